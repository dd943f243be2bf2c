from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from deadlines.calendar import CalendarError, calendar_import, calendar_year_publish
from deadlines.models import CalendarYear, WorkCalendar


class Command(BaseCommand):
    help = "Manage the working-day calendar: import a year from CSV (date,kind,name), publish a year, list years."

    def add_arguments(self, parser):
        parser.add_argument(
            "--calendar", default=WorkCalendar.NATIONAL, help="Calendar code (default: national)."
        )
        actions = parser.add_subparsers(dest="action", required=True)
        importing = actions.add_parser(
            "import",
            help="Import and publish the year a CSV file is for (the one it has most days of, or --year); days "
            "it lists of other years (a New Year break starting in December) are entered without publishing them.",
        )
        importing.add_argument("file", type=Path)
        importing.add_argument(
            "--year",
            type=int,
            action="append",
            dest="years",
            help="A year the file is for (may be repeated).",
        )
        publishing = actions.add_parser("publish", help="Publish a year as entered in the admin.")
        publishing.add_argument("year", type=int)
        actions.add_parser("years", help="List the published years.")

    def handle(self, *args, action, calendar, **options):
        try:
            calendar = WorkCalendar.objects.get(code=calendar)
        except WorkCalendar.DoesNotExist:
            raise CommandError(f"No calendar with code {calendar!r}.") from None
        if action == "import":
            self.import_file(calendar, options["file"], options["years"])
        elif action == "publish":
            try:
                moved = calendar_year_publish(
                    actor=None, calendar=calendar, year=options["year"], source="command"
                )
            except CalendarError as error:
                raise CommandError(str(error)) from None
            self.stdout.write(
                self.style.SUCCESS(f"Published {options['year']}; {moved} running deadlines moved.")
            )
        else:
            # A regional calendar publishes no year of its own: its years are the national calendar's.
            national = calendar.root()
            if national != calendar:
                self.stdout.write(f"Years published by {national}:")
            for year in CalendarYear.objects.filter(calendar=national).order_by("year"):
                self.stdout.write(f"{year.year}\t{year.published_at:%Y-%m-%d}\t{year.source}")

    def import_file(self, calendar, path: Path, years: list[int] | None):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"Cannot read {path}: {error}") from None
        try:
            years, moved = calendar_import(calendar=calendar, text=text, source=path.name, years=years)
        except CalendarError as error:  # CalendarImportError lists the bad lines
            raise CommandError(
                _("%(path)s was not imported; nothing changed.") % {"path": path} + f"\n{error}"
            ) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {'and published ' if calendar.parent_id is None else ''}{', '.join(map(str, years))} "
                f"into {calendar}; {moved} running deadlines moved."
            )
        )
