"""`studyplan cards`: list the learner's suspended cards and put them back in the queues.

Registered on the main group at the end of `studyplan.cli`. Each command reads its options,
calls one function of `studyplan.study_cards`, and prints the result.
"""

from __future__ import annotations

import click

from studyplan.layout import plural


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
    from studyplan.text import one_line

    report = unsuspend(ws, list(card_ids))
    click.echo(f"unsuspended {plural(len(report.card_ids), 'card')}: {one_line(', '.join(report.card_ids))}")
