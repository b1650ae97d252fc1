from . import pms_parser
