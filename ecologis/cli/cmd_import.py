"""``ecologis-cli import TABLE --profile PROFILE``: the same import rules as the GUI
preview (``ecologis.io.import_rules``).  Refuses to write while there are errors,
unknown substances (map them with ``--map REF=ID``) or repeated substances without
``--duplicates sum|keep``.  Exit 0 written, 2 refused or unreadable."""

from __future__ import annotations

import sys

from ecologis.cli.common import load_reference_data
from ecologis.cli.errors import CliError
from ecologis.i18n import t


def register(sub) -> None:
    p = sub.add_parser("import", help=t("io.cli.import.help"))
    p.add_argument("table", metavar="TABLE", help=t("io.cli.import.table"))
    p.add_argument("--profile", required=True, metavar="PROFILE", help=t("io.cli.import.profile"))
    p.add_argument("--map", action="append", default=[], metavar="REF=ID", help=t("io.cli.import.map"))
    p.add_argument("--duplicates", choices=("sum", "keep"), default=None, help=t("io.cli.import.duplicates"))
    p.add_argument("--append", action="store_true", help=t("io.cli.import.append"))
    p.add_argument("--dry-run", action="store_true", help=t("io.cli.import.dry_run"))
    p.set_defaults(func=run)


def run(args) -> int:
    from ecologis.io.emissions_table import TableReadError
    from ecologis.io.import_rules import ImportRefused, finalize, import_into_profile, plan_import
    from ecologis.io.profile import ProfileError

    dictionary = load_reference_data()[0]
    mapping = {}
    for m in args.map:
        if "=" not in m:
            raise CliError(t("io.cli.import.bad_map", value=m), field="--map")
        ref, _, sid = m.rpartition("=")   # a name may hold "=" (a substance id never does)
        mapping[ref.strip()] = sid.strip()
    try:
        if args.dry_run:
            plan = plan_import(args.table, dictionary, mapping)
            finalize(plan, args.duplicates)
        else:
            _profile, plan = import_into_profile(args.table, args.profile, dictionary, mapping, args.duplicates,
                                                 append=args.append)
    except KeyError as e:
        raise CliError(t("io.cli.import.unknown_target", id=str(e.args[0])), field="--map") from None
    except (TableReadError, ProfileError) as e:
        raise CliError.from_error(e) from None
    except ImportRefused as e:
        raise CliError(t("io.cli.import.refused", profile=args.profile), file=args.table, code="E_ROWS",
                       details=e.messages()) from None
    except OSError as e:
        raise CliError(t("io.cli.write_failed", path=args.profile, detail=e.strerror or str(e)), file=args.profile,
                       code="E_WRITE") from None
    for i in plan.warnings:
        print(f"  [{t('severity.' + i.severity)}] {i.located_message()}", file=sys.stderr)
    key = "io.cli.import.checked" if args.dry_run else "io.cli.import.done"
    print(t(key, count=len(plan.emissions), profile=args.profile))
    return 0
