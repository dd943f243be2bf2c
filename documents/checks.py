import logging

from django.core.checks import Error, register

from .pdf import harfbuzz_subsetting_available, missing_fonts

logger = logging.getLogger(__name__)

HINT = "Install them: sudo apt-get install -y fonts-noto-cjk libharfbuzz-subset0 (make run and make test do so as root)."

if missing_fonts() or not harfbuzz_subsetting_available():
    # Said at start-up of every process (web and worker), not only when someone runs `check`.
    logger.warning(
        "Documents cannot be rendered: fonts %s, HarfBuzz subsetter %s. %s",
        missing_fonts() or "present",
        "present" if harfbuzz_subsetting_available() else "missing",
        HINT,
    )


@register()
def pdf_rendering(app_configs, **kwargs):
    """Documents are rendered only with the Noto CJK fonts embedded and HarfBuzz's subsetter (identical output)."""
    errors = []
    if not harfbuzz_subsetting_available():
        errors.append(
            Error(
                "libharfbuzz-subset is not installed: documents cannot be rendered.",
                hint=HINT,
                id="documents.E001",
            )
        )
    if missing_fonts():
        errors.append(
            Error(
                f"Fonts missing: {', '.join(missing_fonts())}; documents cannot be rendered.",
                hint=HINT,
                id="documents.E002",
            )
        )
    return errors
