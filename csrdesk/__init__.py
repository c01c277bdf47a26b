"""csrdesk: the desktop workspace of a brand's CSR (social compliance) team."""

__version__ = "0.1.0"
APP_NAME = "csrdesk"
APP_AUTHOR = "csrdesk"
