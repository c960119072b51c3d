"""``oin-gitops rules``: list every rule, show one rule's documentation, or trace the OIN
guidelines to where they are enforced."""

from __future__ import annotations

import click

from oin_gitops import guidelines
from oin_gitops.diagnostics import DOCS_PAGE
from oin_gitops.rules import BY_ID, RULES
from oin_gitops.rules.docs import render_markdown


@click.command()
@click.argument("rule_id", required=False)
@click.option("--markdown", is_flag=True, help="Print the rules reference (docs/rules.md) instead.")
@click.option(
    "--guidelines",
    "trace",
    is_flag=True,
    help="Print, per OIN guideline, where it is enforced, and the coverage figure.",
)
def rules(rule_id: str | None, markdown: bool, trace: bool) -> None:
    """List every rule with its severity, guideline and summary, or show one rule in full.

    \b
    Examples:
      oin-gitops rules
      oin-gitops rules placeholder
      oin-gitops rules --guidelines
      oin-gitops rules --markdown > docs/rules.md
    """
    if markdown:
        table = guidelines.render_markdown(guidelines.traceability())
        click.echo(render_markdown() + "\n" + table, nl=False)
        return
    if trace:
        click.echo(guidelines.render_text(guidelines.traceability()), nl=False)
        return
    if rule_id is None:
        width = max(len(rule.id) for rule in RULES)
        for rule in RULES:
            guideline = rule.guideline or "-"
            click.echo(
                f"{rule.id:<{width}}  {rule.severity.value:<7}  {guideline:<8}  {rule.summary}"
            )
        click.echo(f"\nDocs: {DOCS_PAGE}; one rule in full: oin-gitops rules RULE_ID")
        return
    chosen = BY_ID.get(rule_id)
    if chosen is None:
        raise click.BadParameter(
            f"no rule '{rule_id}'; run 'oin-gitops rules' for the list.", param_hint="RULE_ID"
        )
    click.echo(f"{chosen.id}: {chosen.summary}")
    click.echo(f"severity: {chosen.severity.value}; guideline: {chosen.guideline or 'none'}")
    click.echo(f"\n{chosen.doc}\n\nHow to fix: {chosen.help}\nDocs: {DOCS_PAGE}#{chosen.id}")
