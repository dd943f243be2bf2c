import logging

from django.core.checks import Warning, register

from .pdf import harfbuzz_subsetting_available

logger = logging.getLogger(__name__)

HINT = "Install it: sudo apt-get install -y libharfbuzz-subset0 (make run and make test do so as root)."

if not harfbuzz_subsetting_available():
    # Said at start-up of every process (web and worker), not only when someone runs `check`.
    logger.warning("libharfbuzz-subset is missing: PDFs will render 10-30 times slower. %s", HINT)


@register()
def harfbuzz_subsetting(app_configs, **kwargs):
    """WeasyPrint needs HarfBuzz's subsetter to embed CJK fonts quickly."""
    if harfbuzz_subsetting_available():
        return []
    return [
        Warning(
            "libharfbuzz-subset is not installed: PDF documents render 10-30 times slower.",
            hint=HINT,
            id="documents.W001",
        )
    ]
