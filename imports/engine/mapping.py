"""The mapping engine: which canonical field each column of a file fills, and with which transform.

For every column it gathers candidates, best first:
  1. the client's learned mappings (a person approved them: confidence 1.0);
  2. the detected format's known headers ("known RVTools header");
  3. the canonical field name itself, then synonyms in seven languages, whole or contained in the header,
     then close spellings (difflib);
  4. what the sample values look like ("values look like IPv4 addresses").
Each candidate is then fitted to the header: its unit may redirect it ("Memory %" is utilisation, not
memory), a peak never takes a field that holds an average, and the transform follows the unit found in the
header, the format, or the values. Last, one field takes one column: the most confident column wins and a
loser falls back to its next candidate or stays unmapped, kept in custom_attributes.

The engine is deterministic (no LLM, no database): the same file always gives the same answer.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Final

from imports.engine.fields import FIELDS_BY_KIND, Field, Kind
from imports.engine.formats import GENERIC, FormatSpec, KnownColumn, detect_format
from imports.engine.headers import HeaderInfo, analyse, squash
from imports.engine.readers import Table
from imports.engine.sniffing import EMPTY_PROFILE, ValueProfile, profile, sniffed
from imports.engine.synonyms import INDEXES, Synonym, SynonymIndex

LEARNED_REASON: Final = "learned from an approved mapping"
# Confidences of the ways a column is matched (known headers carry their own, see formats.py).
CANONICAL: Final = 0.99
SYNONYM: Final = 0.9
KNOWN_UNMAPPED: Final = 0.95
# A synonym contained in a longer header: 0.7 when it covers half the header's words, towards 0.8.
CONTAINED_MIN_COVERAGE: Final = 0.5
FUZZY_CUTOFF: Final = 0.85
FUZZY_MIN_LENGTH: Final = 5
# Header and values agreeing make a candidate this much surer, up to the cap (a synonym's confidence).
AGREEMENT_BONUS: Final = 0.05
AGREEMENT_CAP: Final = 0.9
# A column that loses its field to a better one falls back only to a candidate at least this sure.
FALLBACK_MIN: Final = 0.7

_UNIT_LABELS: Final = {
    "b": "bytes",
    "kb": "KB",
    "kib": "KiB",
    "mb": "MB",
    "mib": "MiB",
    "gb": "GB",
    "gib": "GiB",
    "tb": "TB",
    "tib": "TiB",
    "mhz": "MHz",
    "ghz": "GHz",
    "pct": "%",
    "h": "hours",
    "min": "minutes",
    "kbps": "KB/s",
}
# The transform from a source unit to the unit a field is stored in; None: taken as it is.
# Binary and decimal units count as the same (asset-fields.md: MiB counts as MB).
_CONVERSIONS: Final[dict[str, dict[str, str | None]]] = {
    "mb": {"mb": None, "mib": None, "gb": "gb_to_mb", "gib": "gib_to_mb", "kb": "kb_to_mb", "kib": "kb_to_mb"},
    "gb": {"gb": None, "gib": None, "mb": "mb_to_gb", "mib": "mib_to_gb", "tb": "tb_to_gb", "tib": "tb_to_gb"},
    "kbps": {"kb": None, "kib": None, "mb": "mbps_to_kbps", "mib": "mbps_to_kbps", "b": "bytes_to_kb"},
    "mhz": {"mhz": None},
    "pct": {"pct": None},
    "h": {"h": None},
    "min": {"min": None},
}
_FIELD_DIMENSIONS: Final = {
    "mb": "size",
    "gb": "size",
    "kbps": "size_rate",
    "mhz": "freq",
    "pct": "pct",
    "h": "time",
    "min": "time",
}
# Where the header's unit shows that a synonym meant a sibling field: "Memory %" is memory utilisation,
# "CPU (MHz)" the clock speed, "Disk reads KB/s" throughput rather than operations.
_REDIRECTS: Final[dict[str, dict[str, str]]] = {
    "memory_mb": {"pct": "memory_util_avg_pct"},
    "memory_used_avg_mb": {"pct": "memory_util_avg_pct"},
    "memory_util_avg_pct": {"size": "memory_used_avg_mb"},
    "cpu_cores": {"pct": "cpu_util_avg_pct", "freq": "cpu_speed_mhz"},
    "disk_read_iops": {"size_rate": "disk_read_kbps", "size": "disk_read_kbps"},
    "disk_write_iops": {"size_rate": "disk_write_kbps", "size": "disk_write_kbps"},
    "disk_count": {"size": "storage_gb"},
}
# Performance metrics whose field holds the average; a peak ("Max") of one has its own field or none.
_PEAK_FIELDS: Final = {"cpu_util_avg_pct": "cpu_util_max_pct", "memory_used_avg_mb": "memory_used_max_mb"}
_AVERAGE_METRICS: Final = frozenset(
    {
        "cpu_util_avg_pct",
        "memory_util_avg_pct",
        "memory_used_avg_mb",
        "disk_read_iops",
        "disk_write_iops",
        "disk_read_kbps",
        "disk_write_kbps",
        "network_in_kbps",
        "network_out_kbps",
    }
)


@dataclass(frozen=True, slots=True)
class ColumnMapping:
    source: str
    target: str | None
    confidence: float
    transform: str | None
    reason: str

    def to_json(self) -> dict[str, object]:
        return {
            "source": self.source,
            "target": self.target,
            "confidence": round(self.confidence, 2),
            "transform": self.transform,
            "reason": self.reason,
        }


@dataclass(frozen=True, slots=True)
class Suggestion:
    format: str
    kind: Kind
    sheet: str | None
    header_row: int
    mappings: list[ColumnMapping]
    # Fields the importer fills by adding several columns up (Azure's "Disk N ..."), with their columns.
    summed_columns: dict[str, list[str]] = field(default_factory=dict)

    def to_json(self) -> dict[str, object]:
        """The object `suggest_mappings --json` prints (cli.md, Discovery)."""
        return {
            "format": self.format,
            "kind": self.kind,
            "sheet": self.sheet,
            "header_row": self.header_row,
            "mappings": [m.to_json() for m in self.mappings],
        }

    def as_mapping(self) -> dict[str, str | None]:
        """{source header: field or None}, the shape of import_inventory's --mapping file."""
        return {m.source: m.target for m in self.mappings}


@dataclass(frozen=True, slots=True)
class _Candidate:
    field: str | None
    confidence: float
    reason: str
    transform: str | None = None
    sum_into: str | None = None


@dataclass(frozen=True, slots=True)
class _Column:
    index: int
    header: str
    candidates: tuple[_Candidate, ...]


def suggest(
    table: Table,
    *,
    kind: Kind | None = None,
    learned: Mapping[str, str | None] | None = None,
) -> Suggestion:
    """Suggest a mapping for every column of `table`, in file order. Only the table's sample rows are read."""
    detected = detect_format(table.headers, sheet=table.sheet)
    kind = kind or detect_kind(table.headers, detected)
    # A format's known columns are of its own kind; a Konveyor file read as assets is mapped by its words.
    spec = detected if detected.kind == kind else GENERIC
    fields = FIELDS_BY_KIND[kind]
    # A person's correction is kept when it names a field of this kind that may take a column.
    learned_by_key = {
        squash(h): f for h, f in (learned or {}).items() if f is None or (f in fields and not fields[f].derived)
    }
    value_columns: Sequence[Sequence[str]] = list(zip(*table.sample_rows, strict=True)) if table.sample_rows else []
    columns = []
    for index, header in enumerate(table.headers):
        info = analyse(header)
        values = profile(value_columns[index]) if value_columns else EMPTY_PROFILE
        context = _ColumnContext(info, values, fields)
        candidates = _candidates(header, context, spec, INDEXES[kind], learned_by_key)
        columns.append(_Column(index, header, tuple(candidates)))
    chosen = _resolve(columns)
    mappings = []
    for c in columns:
        decision = chosen[c.index]
        mappings.append(
            ColumnMapping(c.header, decision.field, decision.confidence, decision.transform, decision.reason)
        )
    return Suggestion(detected.name, kind, table.sheet, table.header_row, mappings, _summed(columns, chosen, spec))


def detect_kind(headers: Sequence[str], spec: FormatSpec | None = None) -> Kind:
    """assets, applications or connections: the format's kind, else the kind more headers speak of only."""
    spec = spec or detect_format(headers)
    if spec is not GENERIC:
        return spec.kind
    matched = {kind: {h for h in headers if _exact_field(INDEXES[kind], analyse(h)) is not None} for kind in INDEXES}
    assets_only = matched["assets"] - matched["applications"]
    applications_only = matched["applications"] - matched["assets"]
    return "applications" if len(applications_only) > len(assets_only) else "assets"


def _exact_field(index: SynonymIndex, info: HeaderInfo) -> str | None:
    if info.key in index.field_names:
        return index.field_names[info.key]
    synonym = index.by_key.get(info.base_key)
    return synonym.field if synonym else None


class _Unconvertible(Exception):
    """The column's unit has no transform into its field's unit (cli.md lists the transforms)."""


@dataclass(frozen=True, slots=True)
class _ColumnContext:
    info: HeaderInfo
    values: ValueProfile
    fields: dict[str, Field]

    def fit(
        self,
        name: str,
        confidence: float,
        reason: str,
        *,
        known: KnownColumn | None = None,
        negate: bool = False,
        trusted: bool = False,
    ) -> _Candidate:
        """A candidate for field `name`, fitted to the header's unit and statistic, with its transform.

        `trusted` (a person's learned mapping) keeps the field as it is: only the transform is derived.
        """
        sum_into = known.sum_into if known else None
        if not trusted:
            if self.fields[name].derived:
                return _Candidate(None, confidence, f"{reason}; {name} is derived, never mapped")
            redirected = self._redirect(name)
            unit = _UNIT_LABELS.get(self.info.unit or "", self.info.unit)
            if redirected is None:
                return _Candidate(None, confidence, f"{reason}; the header's unit ({unit}) does not fit {name}")
            if redirected != name:
                reason = f"{reason}; its unit ({unit}) makes it {redirected}"
                name = redirected
            peak = self._peak(name)
            if peak is None:
                statistic = "peak" if self.info.stat == "max" else "minimum"
                return _Candidate(None, confidence, f"{reason}; a {statistic}, and {name} holds the average")
            if peak != name:
                reason = f"{reason}; a peak, so {peak}"
                name = peak
        negate = negate or bool(known and known.negate)
        try:
            transform, note = self._transform(self.fields[name], known.unit if known else None, negate)
        except _Unconvertible as problem:
            return _Candidate(None, confidence, f"{reason}; {problem}")
        return _Candidate(name, confidence, reason + note, transform, sum_into)

    def _redirect(self, name: str) -> str | None:
        header_dimension = self.info.dimension
        unit = self.fields[name].unit
        field_dimension = _FIELD_DIMENSIONS[unit] if unit else None
        if header_dimension is None or header_dimension == field_dimension:
            return name
        # A throughput header without "per second" ("Disk read KB") is still a throughput.
        if field_dimension == "size_rate" and header_dimension == "size":
            return name
        redirected = _REDIRECTS.get(name, {}).get(header_dimension)
        return redirected if redirected in self.fields else None

    def _peak(self, name: str) -> str | None:
        """The field a header's statistic leaves: the peak twin, the same, or None (no field for it)."""
        stat = self.info.stat
        if stat == "max" and name in _PEAK_FIELDS:
            return _PEAK_FIELDS[name]
        if stat in ("max", "min") and name in _AVERAGE_METRICS:
            return None
        return name

    def _transform(self, target: Field, format_unit: str | None, negate: bool) -> tuple[str | None, str]:
        """(transform, note for the reason); _Unconvertible where no transform converts the unit."""
        if target.type == "list":
            return "split_list", ""
        if target.type == "vocabulary":
            return "vocabulary", ""
        if target.type == "boolean":
            return ("not_bool", "; true means physical") if negate else ("to_bool", "")
        values = self.values
        if target.unit is not None:
            if values.mixed_units:
                units = ", ".join(_UNIT_LABELS[u] for u in values.mixed_units)
                raise _Unconvertible(f"values are written in several units ({units}); no one transform fits them")
            unit, note = self._source_unit(target, format_unit)
            if unit is None:
                return ("decimal_comma", "; values use a decimal comma") if values.decimal_comma else (None, "")
            conversions = _CONVERSIONS[target.unit]
            if unit not in conversions:
                raise _Unconvertible(f"no transform converts {_UNIT_LABELS[unit]} to {_UNIT_LABELS[target.unit]}")
            transform = conversions[unit]
            if transform is None:
                quiet = "" if self.info.unit is not None else note
                if values.decimal_comma:
                    return "decimal_comma", f"{quiet}; values use a decimal comma"
                return None, quiet
            return transform, f"{note}, converted to {_UNIT_LABELS[target.unit]}"
        if target.type in ("integer", "number") and values.decimal_comma:
            return "decimal_comma", "; values use a decimal comma"
        if target.name == "hostname" and values.fqdn >= 0.5:
            return "first_label", "; values are domain names, the host name is their first label"
        return None, ""

    def _source_unit(self, target: Field, format_unit: str | None) -> tuple[str | None, str]:
        """The unit the column's values are in, and where that came from, for the reason."""
        per_second = "/s" if target.unit == "kbps" else ""
        if self.info.unit is not None:
            return self.info.unit, f"; {_UNIT_LABELS[self.info.unit]}{per_second} in the header"
        if format_unit is not None:
            return format_unit, f"; the format writes it in {_UNIT_LABELS[format_unit]}{per_second}"
        if self.values.unit is not None:
            return self.values.unit, f"; values are written in {_UNIT_LABELS[self.values.unit]}{per_second}"
        if target.name == "memory_mb" and self.values.looks_like_gigabytes:
            return "gb", "; values all below 2048 and mostly powers of two, so GB"
        return None, ""


def _candidates(
    header: str,
    context: _ColumnContext,
    spec: FormatSpec,
    index: SynonymIndex,
    learned: Mapping[str, str | None],
) -> list[_Candidate]:
    info = context.info
    if info.key in learned:
        target = learned[info.key]
        if target is None:
            return [_Candidate(None, 1.0, LEARNED_REASON)]
        return [context.fit(target, 1.0, LEARNED_REASON, trusted=True)]
    known = spec.known(header)
    if known is not None:
        reason = f"known {spec.label} header"
        if known.field is None:
            note = f"; {known.note}" if known.note else " with no canonical field"
            return [_Candidate(None, KNOWN_UNMAPPED, reason + note, sum_into=known.sum_into)]
        if known.note:
            reason = f"{reason} ({known.note})"
        # The format's own meaning of its header outranks any reading of the words.
        return [context.fit(known.field, known.confidence, reason, known=known)]
    candidates: list[_Candidate] = []
    if info.key in index.field_names:
        candidates.append(context.fit(index.field_names[info.key], CANONICAL, "canonical field name"))
    candidates.extend(_synonym_candidates(context, index))
    if index.kind == "assets":
        for name, share, description in sniffed(context.values):
            confidence = round(0.6 + 0.2 * share, 2)
            agreeing = [i for i, c in enumerate(candidates) if c.field == name]
            if agreeing:
                # The header and the values say the same: one candidate, surer than either.
                by_header = candidates[agreeing[0]]
                candidates[agreeing[0]] = replace(
                    by_header,
                    confidence=max(by_header.confidence, round(min(AGREEMENT_CAP, confidence + AGREEMENT_BONUS), 2)),
                    reason=f"{by_header.reason}; values look like {description}",
                )
            else:
                candidates.append(context.fit(name, confidence, f"values look like {description}"))
    if not candidates:
        return [_Candidate(None, 0.0, "no field matches this header or its values; kept in custom_attributes")]
    return sorted(candidates, key=lambda c: (c.field is not None, c.confidence), reverse=True)


def _synonym_candidates(context: _ColumnContext, index: SynonymIndex) -> list[_Candidate]:
    info = context.info
    exact = index.by_key.get(info.base_key)
    if exact is not None:
        return [_fit_synonym(context, exact, SYNONYM, f"synonym of {exact.field}")]
    found: list[_Candidate] = []
    words = set(info.base)
    best: tuple[float, int, Synonym] | None = None
    for synonym in index.synonyms:
        if synonym.words and synonym.words <= words:
            coverage = len(synonym.words) / len(words)
            if coverage >= CONTAINED_MIN_COVERAGE and (best is None or (coverage, len(synonym.phrase)) > best[:2]):
                best = (coverage, len(synonym.phrase), synonym)
    if best is not None:
        coverage, _, synonym = best
        confidence = round(0.7 + 0.2 * (coverage - CONTAINED_MIN_COVERAGE), 2)
        found.append(
            _fit_synonym(context, synonym, confidence, f"contains '{synonym.phrase}' (synonym of {synonym.field})")
        )
    if len(info.base_key) >= FUZZY_MIN_LENGTH:
        close = difflib.get_close_matches(info.base_key, index.by_key.keys(), n=1, cutoff=FUZZY_CUTOFF)
        if close:
            synonym = index.by_key[close[0]]
            ratio = difflib.SequenceMatcher(None, info.base_key, close[0]).ratio()
            reason = f"close to '{synonym.phrase}' (synonym of {synonym.field})"
            found.append(_fit_synonym(context, synonym, round(0.85 * ratio, 2), reason))
    return found


def _fit_synonym(context: _ColumnContext, synonym: Synonym, confidence: float, reason: str) -> _Candidate:
    return context.fit(synonym.field, confidence, reason, negate=synonym.negate)


def _resolve(columns: list[_Column]) -> dict[int, _Candidate]:
    """One field, one column: the most confident columns choose first; ties go to the leftmost column."""
    chosen: dict[int, _Candidate] = {}
    taken: dict[str, str] = {}
    order = sorted(columns, key=lambda c: (-c.candidates[0].confidence, c.index))
    for column in order:
        first = column.candidates[0]
        decision: _Candidate | None = None
        for candidate in column.candidates:
            if candidate is not first and candidate.confidence < FALLBACK_MIN:
                break
            if candidate.field is None or candidate.field not in taken:
                decision = candidate
                break
        if decision is None:
            assert first.field is not None
            reason = f"{first.reason}; {first.field} already taken by '{taken[first.field]}'"
            decision = replace(first, field=None, transform=None, reason=reason)
        if decision.field is not None:
            taken[decision.field] = column.header
        chosen[column.index] = decision
    return chosen


def _summed(columns: list[_Column], chosen: dict[int, _Candidate], spec: FormatSpec) -> dict[str, list[str]]:
    """Fields the importer adds up from several columns, where the column that took the field is one of them."""
    summed: dict[str, list[str]] = {}
    for column in columns:
        decision = chosen[column.index]
        if decision.field is not None and decision.sum_into == decision.field:
            summed[decision.field] = [
                c.header for c in columns if (k := spec.known(c.header)) is not None and k.sum_into == decision.field
            ]
    return summed
