"""`studyplan cards` (list the learner's suspended cards and put them back in the queues),
`studyplan export anki` and `studyplan import anki`.

Registered on the main group (and `export`) at the end of `studyplan.cli`. Each command
reads its options, calls one function of `studyplan.study_cards` or `studyplan.study_anki`,
and prints the result.
"""

from __future__ import annotations

from pathlib import Path

import click

from studyplan.layout import plural
from studyplan.text import one_line


@click.group()
def cards():
    """Suspended cards: list them, unsuspend them."""


@cards.command("suspended")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.pass_obj
def cards_suspended(ws, fmt):
    """List your suspended cards: id, exam, domain and front."""
    import json
    import shutil

    from studyplan.review_views import suspended_text
    from studyplan.study_cards import suspended

    report = suspended(ws)
    if fmt == "json":
        click.echo(json.dumps(report.to_list(), indent=2))
    else:
        click.echo(suspended_text(report, shutil.get_terminal_size((80, 24)).columns))


@cards.command("unsuspend")
@click.argument("card_ids", metavar="ID...", nargs=-1, required=True)
@click.pass_obj
def cards_unsuspend(ws, card_ids):
    """Put suspended cards back in the queues (all or none; a never-studied card is new again)."""
    from studyplan.study_cards import unsuspend

    report = unsuspend(ws, list(card_ids))
    click.echo(f"unsuspended {plural(len(report.card_ids), 'card')}: {one_line(', '.join(report.card_ids))}")


@click.command("anki")
@click.option("--exam", required=True, help="Exam id whose cards to export.")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The .apkg file to write.")
@click.pass_obj
def export_anki(ws, exam, output):
    """Write an exam's cards as an Anki package (.apkg), one subdeck per domain.

    Tags carry each card's style and domain. Notes keep the same ids from one export
    to the next, so importing a newer export into Anki updates them instead of adding
    copies.
    """
    from studyplan.study_anki import export_anki as export

    report = export(ws, exam, output)
    click.echo(f"wrote {plural(report.notes, 'note')} in {plural(len(report.decks), 'subdeck')} to "
               f"{one_line(str(output))}")


@click.group("import")
def import_group():
    """Import cards and review history from other programs."""


@import_group.command("anki")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--exam", help="Exam id the imported cards belong to.")
@click.option("--domain", help="Domain id within the exam (default for a package: the domain each note's "
                               "deck is named after).")
@click.pass_obj
def import_anki(ws, file, exam, domain):
    """Import an Anki package (.apkg, .colpkg) or Anki's plain-text export.

    \b
    From a package: notes, decks, tags and the review history. Notes exported
    by 'studyplan export anki' return to their cards; others become cards of
    --exam (in --domain, or the domain named like their deck). Anki's buttons
    become grades: Again 1, Hard 3, Good 4, Easy 5. Each reviewed card is due
    when Anki would show it. Importing again adds nothing twice.
    A text export (tab or comma separated) needs --exam and --domain.
    """
    from studyplan.study_anki import PackageImportReport, import_from_anki, is_package

    if domain is not None and exam is None:
        raise click.UsageError("--domain needs --exam")
    if not is_package(file) and (exam is None or domain is None):
        raise click.UsageError("a text export needs --exam and --domain (an .apkg or .colpkg does not)")
    report = import_from_anki(ws, file, exam, domain)
    name = one_line(file.name)
    if not isinstance(report, PackageImportReport):
        click.echo(f"imported {plural(report.added, 'card')} into {exam}/{domain} from {name}; "
                   f"{report.present} already present")
        return
    click.echo(f"imported {name} ({report.member}): {plural(report.notes, 'note')}")
    if report.matched:
        click.echo(f"  {plural(report.matched, 'note')} {'is a studyplan card' if report.matched == 1 else 'are studyplan cards'}")
    if report.added or report.present:
        click.echo(f"  {plural(report.added, 'card')} added to {', '.join(report.targets)}; "
                   f"{report.present} already present")
    if report.skipped:
        click.echo(f"  {plural(report.skipped, 'note')} skipped (no text on the front)")
    click.echo(f"  {plural(report.reviews_added, 'review')} added, {report.reviews_present} already "
               f"present; {plural(report.scheduled, 'card')} scheduled")
