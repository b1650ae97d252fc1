from . import test_install
from . import test_presets
from . import test_matching
from . import test_reimport
from . import test_bad_input
from . import test_parser
from . import test_drop_folder
from . import test_security
