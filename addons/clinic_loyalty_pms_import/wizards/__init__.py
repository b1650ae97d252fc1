from . import pms_upload_wizard
