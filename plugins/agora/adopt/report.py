"""The adoption report: bare Pelican's build and Agora's, side by side, in plain words."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from agora.adopt.survey import (
    BUCKETS,
    Survey,
    credited_authors,
    migrated_events,
    templates_used,
)
from agora.content.unknown import UNKNOWN_FOUND
from agora.members.authors import withheld_bylines


@dataclass
class AdoptionReport:
    """What adopting the site changes; every list is sorted, so reports are stable."""

    site: str
    counts: dict[str, tuple[int, int]]  # bucket -> (Pelican, Agora)
    moved: list[str]  # one line per file built differently
    members: Counter[str]
    names: Counter[str]
    withheld: int
    events: list[str]
    unknown_fields: dict[str, list[str]]
    templates: dict[str, tuple[str, int]]
    failures: list[str]  # every file Agora cannot build, with its reason
    errors: list[str]  # other errors logged (Pelican's own, templates)
    warnings: list[str]  # warnings bare Pelican does not give, but unknown-field summaries
    notes: list[str]  # values Pelican accepts that Agora would write differently
    left_out_settings: dict[str, str] = field(default_factory=dict)

    @property
    def same(self) -> bool:
        """Agora builds what Pelican builds, where Pelican builds it, without errors."""
        return not self.moved and not self.failures and not self.errors


def make_report(found: Survey) -> AdoptionReport:
    pelican, agora = found.pelican, found.agora
    members, names = credited_authors(agora.contents)
    structured = {str(p) for p in agora.problems}
    errors = [e for e in agora.errors if e not in structured]  # Pelican's, or a template's
    warnings = [w for w in agora.warnings if w not in set(pelican.warnings)
                and UNKNOWN_FOUND not in w]
    return AdoptionReport(
        site=str(found.config.site.get("SITENAME") or found.config.source.parent.name),
        counts={b: (pelican.counts()[b], agora.counts()[b]) for b in BUCKETS},
        moved=moved_files(found),
        members=members,
        names=names,
        withheld=withheld_bylines(agora.problems),
        events=migrated_events(agora.contents),
        unknown_fields=dict(agora.report.get("unknown_fields") or {}),
        templates=templates_used(agora.contents, agora.settings),
        failures=failures(found),  # Agora's own errors, each with its file and reason
        errors=errors,
        warnings=warnings,
        notes=sorted(str(p) for p in agora.problems if p.severity == "note"),
        left_out_settings=dict(found.config.left_out),
    )


def moved_files(found: Survey) -> list[str]:
    """Files that Agora builds elsewhere, files differently, or not at all."""
    lines = []
    pelican, agora = found.pelican.files, found.agora.files
    for source in sorted(pelican.keys() | agora.keys()):
        before, after = pelican.get(source), agora.get(source)
        if before == after:
            continue
        was = f"{before[0]} at {before[1] or '/'}" if before else "not built"
        now = f"{after[0]} at {after[1] or '/'}" if after else "left out (see below)"
        lines.append(f"{source}: Pelican: {was}; Agora: {now}")
    return lines


def failures(found: Survey) -> list[str]:
    """Every error of the Agora build (each names its file and reason), and any file Pelican
    builds that Agora leaves out without one."""
    errors = sorted(str(p) for p in found.agora.problems if p.severity == "error")
    unexplained = [f"{source}: left out with no reason recorded (please report it)"
                   for source in sorted(found.pelican.files.keys() - found.agora.files.keys())
                   if not any(source in error for error in errors)]
    return errors + unexplained


def _files(count: int) -> str:
    return f"{count} file{'s' if count != 1 else ''}"


def render_report(report: AdoptionReport, settings_file: str) -> str:
    """The report as ``agora adopt`` prints it."""
    lines = [f"Adopting {report.site} ({settings_file})", "",
             f"{'content':<18}{'Pelican':>9}{'Agora':>8}"]
    for bucket, (before, after) in report.counts.items():
        lines.append(f"  {bucket.replace('_', ' '):<16}{before:>9}{after:>8}")
    if report.moved:
        lines += ["", "Built differently:", *(f"  {line}" for line in report.moved)]
    else:
        lines.append("Agora builds every file Pelican builds, at the same URL.")
    lines += ["", "Authors:", *author_lines(report)]
    lines += ["", "Articles that become events (pelican-events fields): "
              + (", ".join(report.events) if report.events else "none")]
    lines += ["", "Fields no schema knows (kept as metadata; declare the ones your "
              "templates read in AGORA_EXTRA_FIELDS):"]
    lines += [f"  {name}: {_files(len(files))}" for name, files in report.unknown_fields.items()]
    lines += [] if report.unknown_fields else ["  none"]
    lines += ["", "Templates:", *template_lines(report)]
    lines += ["", "Files Agora cannot build:", *(f"  {f}" for f in report.failures or ["none"])]
    if report.errors or report.warnings:
        lines += ["", "Agora also says:", *(f"  error: {e}" for e in report.errors),
                  *(f"  warning: {w}" for w in report.warnings)]
    if report.notes:
        lines += ["", "Suggestions (Pelican accepts these; Agora would write them differently):",
                  *(f"  {note}" for note in report.notes)]
    if report.left_out_settings:
        lines += ["", "Settings not carried over:",
                  *(f"  {n}: {why}" for n, why in report.left_out_settings.items())]
    return "\n".join(lines) + "\n"


def author_lines(report: AdoptionReport) -> list[str]:
    def listed(counter: Counter[str]) -> str:
        return ", ".join(f"{name} ({_files(n)})" for name, n in sorted(counter.items()))

    lines = [f"  linked to member profiles: {listed(report.members) or 'none'}",
             f"  kept as names, with author pages: {listed(report.names) or 'none'}"]
    if report.withheld:
        lines.append(f"  left out of bylines (members without consent): {_files(report.withheld)}")
    return lines


def template_lines(report: AdoptionReport) -> list[str]:
    lines = []
    for whose, label in (("site", "the site's own (THEME_TEMPLATES_OVERRIDES)"),
                         ("Agora", "Agora's")):
        used = [f"{name}.html ({_files(count)})"
                for name, (owner, count) in report.templates.items() if owner == whose]
        if used:
            lines.append(f"  {label}: {', '.join(used)}")
    return lines or ["  none"]
