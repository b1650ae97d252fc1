import io

from odoo.tests import tagged

from .common import PmsCommon

HEADER = (
    "invoiceId,type,clientPimsId,patientPimsId,transactionDate,code,description,quantity,amount,discount,"
    "tax,isPosted,isPayment,isVoided,deleted"
)
CLIENTS = b"pimsId,firstName,lastName,phone1,email\n101,Alice,Smith,,alice@example.com\n"


@tagged("post_install", "-at_install")
class TestStatusFlags(PmsCommon):
    """An invoice voided, deleted or unposted in a later export earns
    nothing: points it already earned are taken back."""

    def import_lines(self, *rows):
        content = "\n".join([HEADER, *rows]).encode()
        return self.env["clinic.loyalty.pms.import"]._import_file(
            self.profiles["cornerstone"],
            self.io(content),
            "transactions.csv",
            client_fileobj=self.io(CLIENTS),
        )

    @staticmethod
    def io(content):
        return io.BytesIO(content)

    def test_accrued_invoice_voided_later_is_reversed(self):
        row = "7001,Service,101,P1,2026-03-14 10:00:00.000,EXAM,Exam,1,100.00,0,0,True,False,{void},{deleted}"
        self.assertEqual(self.import_lines(row.format(void="False", deleted="0")).state, "done")
        self.accrue()
        self.assertEqual(self.balance(self.alice), 10)
        log = self.import_lines(row.format(void="True", deleted="0"))
        self.assertEqual(log.state, "done", log.report)
        self.accrue()
        self.assertEqual(self.balance(self.alice), 0)
        self.import_lines(row.format(void="False", deleted="1"))
        self.accrue()
        self.assertEqual(self.balance(self.alice), 0, "deleted stays reversed")
        self.assertBooksHold()

    def test_accrued_invoice_unposted_later_is_reversed_then_earns_when_posted(self):
        row = "7002,Service,101,P1,2026-03-14 10:00:00.000,EXAM,Exam,1,100.00,0,0,{posted},False,False,0"
        self.import_lines(row.format(posted="True"))
        self.accrue()
        self.assertEqual(self.balance(self.alice), 10)
        self.import_lines(row.format(posted="False"))
        self.accrue()
        self.assertEqual(self.balance(self.alice), 0)
        self.import_lines(row.format(posted="True"))
        self.accrue()
        self.assertEqual(self.balance(self.alice), 10)

    def test_one_flagged_line_voids_the_whole_invoice(self):
        log = self.import_lines(
            "7003,Service,101,P1,2026-03-14,EXAM,Exam,1,100.00,0,0,True,False,False,0",
            "7003,Service,101,P1,2026-03-14,VAC,Vaccine,1,50.00,0,0,True,False,True,0",
        )
        self.assertEqual(log.state, "done", log.report)
        self.assertEqual(self.Invoice.search([("name", "=", "7003")]).state, "void")
        self.accrue()
        self.assertEqual(self.balance(self.alice), 0)
