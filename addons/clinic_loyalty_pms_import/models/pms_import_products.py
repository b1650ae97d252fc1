from odoo import models
from odoo.tools import SQL


class ClinicLoyaltyPmsImport(models.Model):
    # pylint: disable=consider-merging-classes-inherited
    # The billing codes a file names are their own idea: kept beside the staging.
    _inherit = "clinic.loyalty.pms.import"

    def _billing_products(self, codes, products):
        """Fill ``products`` {code: product id} for ``codes`` {code: description};
        a code the clinic does not know becomes a service that earns nothing
        until a manager enables it. Returns the number of products created."""
        company = self.profile_id.company_id
        self.env.cr.execute(
            SQL(
                """
            SELECT DISTINCT ON (pp.default_code) pp.default_code, pp.id
              FROM product_product pp JOIN product_template pt ON pt.id = pp.product_tmpl_id
             WHERE pp.default_code = ANY(%(codes)s) AND pp.active
               AND (pt.company_id = %(company)s OR pt.company_id IS NULL)
             ORDER BY pp.default_code, pt.company_id NULLS LAST, pp.id
        """,
                codes=list(codes),
                company=company.id,
            )
        )
        products.update(self.env.cr.fetchall())
        missing = [code for code in codes if code not in products]
        if missing:
            created = (
                self.env["product.product"]
                .sudo()
                .with_company(company)
                .create(
                    [
                        {
                            "name": codes[code] or code,
                            "default_code": code,
                            "type": "service",
                            "company_id": company.id,
                            "sale_ok": True,
                            "purchase_ok": False,
                            "loyalty_eligible": False,
                        }
                        for code in missing
                    ]
                )
            )
            products.update(zip(missing, created.ids, strict=False))
        return len(missing)
