#!/usr/bin/env bash
# The import rules of ARCHITECTURE.md, checked by grep: each room knows only what is below
# it, and the page's component files import no circle. `make test` runs this first; a change that breaks a rule fails the suite, naming the
# file and line. Each rule is one line of the table below:
#   forbid PATH MODULES WHY    no `crate::M` under PATH (also inside `crate::{...}`), for
#                              any M of MODULES (a `|`-separated list)
#   only PATH MODULE NAMES WHY under PATH, `crate::MODULE::` names nothing but NAMES
set -euo pipefail
cd "$(dirname "$0")/.."

rules=$(cat <<'EOF'
forbid|server/src/failure.rs|clock|config|content|db|engine|entity|events|http|provider|service|store|the failure vocabulary is the ground floor: no I/O, no other room
forbid|server/src/provider|engine|store|entity|db|events|http|service|content|adapters know nothing of the engine, the database, the events or the HTTP surface
forbid|server/src/store|engine|events|http|service|content|accounts|the store records what the engine decided; it never judges a failure nor publishes
forbid|server/src/accounts|engine|http|provider|content|entity|db|service|accounts decide who is who: they ask the store and publish; they know no rows, no HTTP and no engine
only|server/src/store|provider|Services|RemoteJobId|the store records the names of services and of their jobs, nothing more of the adapters
forbid|server/src/content/mod.rs|store|entity|engine|provider|events|http|service|the content folder knows files, not tasks (only sweep.rs asks the store)
forbid|server/src/content/thumbnail.rs|store|entity|engine|provider|events|http|service|thumbnails are pictures, nothing else
forbid|server/src/events|store|entity|engine|provider|http|service|content|the bus carries events; it decides and stores nothing
forbid|server/src/engine|http|service|the engine runs tasks; it never answers requests
forbid|server/src/http|engine|entity|provider|db|HTTP handlers call the service (or, for files, the store's look-ups); they run no task
forbid|app/src/domain|i18n|api|components|the domain knows no language, no API and no page
forbid|app/src/i18n|api|components|words are looked up by code; the API's types stay in api/
forbid|app/src/api|components|the API knows nothing of the page
EOF
)

failed=0
while IFS= read -r rule; do
  # The kind and path first, the reason last; what lies between is the module list.
  kind=${rule%%|*} rest=${rule#*|}
  path=${rest%%|*} rest=${rest#*|}
  why=${rest##*|} list=${rest%|*}
  case $kind in
    forbid)
      hits=$(grep -rnE --include='*.rs' "crate::(\{[^}]*\b)?(${list})\b" "$path" || true)
      what="must not import crate::{$list}" ;;
    only)
      module=${list%%|*} names=${list#*|}
      hits=$(grep -rnE --include='*.rs' "crate::${module}::" "$path" \
        | grep -vE "crate::${module}::(\{ *)?(${names})\b[^:]" || true)
      what="may take only $names from crate::$module" ;;
  esac
  if [ -n "$hits" ]; then
    echo "check-layers: $path $what: $why" >&2
    sed 's/^/  /' <<<"$hits" >&2
    failed=1
  fi
done <<<"$rules"

# No file import circle among the page's components (a graph, so not by grep alone).
if ! python3 scripts/import-cycles.py app/src/components >&2; then
  failed=1
fi

if [ "$failed" = 0 ]; then
  echo "check-layers: every import rule holds"
fi
exit "$failed"
