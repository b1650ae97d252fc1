from . import pms_upload_wizard, pms_upload_preview
