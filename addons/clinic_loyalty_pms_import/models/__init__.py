from . import pms_format
from . import pms_preset
from . import pms_profile
from . import pms_import
from . import pms_client_ref
from . import pms_invoice
from . import res_partner
