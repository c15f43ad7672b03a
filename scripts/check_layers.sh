#!/usr/bin/env bash
# Holds the module graph of docs/architecture.md: every `#include "module/..."` in src/ and
# tools/ must name the including module itself or a module below it. Prints each upward or
# sideways include as "file:line: ..." and fails; prints one line and succeeds otherwise.
# Unit tests (src/**/*_test.cc) are left out: they are built into the test binary, which links
# every module, and may reach across (a model-input test reads a checkpoint).
#
#   base <- imaging, catalog, engine <- embedding <- library <- pipeline <- search <- web <- tools
#            catalog, engine <- vectors <- pipeline
#            imaging <- ocr <- pipeline
#            pipeline <- watch <- tools, app
set -uo pipefail
cd "$(dirname "$0")/.."

# What each module may include (besides itself).
declare -A below=(
  [base]=""
  [imaging]="base"
  [catalog]="base"
  [engine]="base"
  [embedding]="base imaging engine"
  [library]="base imaging catalog engine embedding"
  [vectors]="base catalog engine"
  [ocr]="base imaging"
  [pipeline]="base imaging catalog engine embedding library vectors ocr"
  [search]="base imaging catalog engine embedding library vectors ocr pipeline"
  [web]="base imaging catalog engine embedding library vectors ocr pipeline search"
  [watch]="base imaging catalog engine embedding library vectors ocr pipeline"
  [tools]="base imaging catalog engine embedding library vectors ocr pipeline search web watch"
  [app]="base imaging catalog engine embedding library vectors ocr pipeline search web watch app"
)

bad=0
while IFS= read -r -d '' file; do
  case "$file" in
    src/*) module="${file#src/}"; module="${module%%/*}" ;;
    tools/*) module=tools ;;
    app/*) module=app ;;
  esac
  if [ -z "${below[$module]+set}" ]; then
    echo "$file:1: module '$module' is not in the graph (add it to scripts/check_layers.sh and docs/architecture.md)"
    bad=$((bad + 1)); continue
  fi
  # "12:#include "pipeline/indexer.h"" -> line, target module
  while IFS=: read -r line target; do
    [ "$target" = "$module" ] && continue
    case " ${below[$module]} " in *" $target "*) continue ;; esac
    echo "$file:$line: '$module' includes \"$target/...\", which is not below it (allowed: ${below[$module]:-nothing})"
    bad=$((bad + 1))
  done < <(grep -nE '^[[:space:]]*#[[:space:]]*include[[:space:]]+"[a-z_]+/' "$file" |
             sed -E 's/^([0-9]+):[^"]*"([a-z_]+)\/.*/\1:\2/')
done < <(find src tools app -type f \( -name '*.cc' -o -name '*.h' \) ! -name '*_test.cc' ! -path 'app/tests/*' -print0 | sort -z)

if [ "$bad" -ne 0 ]; then
  echo "layers: $bad include(s) point up or sideways; see docs/architecture.md for the graph"
  exit 1
fi
echo "layers: every include in src/ and tools/ points down the module graph"
