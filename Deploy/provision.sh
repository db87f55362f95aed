#!/usr/bin/env bash
# Generates a key pair for the hub and every unit of a topology file, and writes a copy of the
# topology with the public keys filled in.
#   usage: Deploy/provision.sh TOPOLOGY KEYS_DIR OUTPUT_TOPOLOGY [AEOHUB_BINARY]
# Secret keys are written with mode 0600; existing keys are kept (delete one to rotate it).
set -euo pipefail
topology=$1 keys=$2 output=$3 aeohub=${4:-aeohub}
mkdir -p "$keys" && chmod 700 "$keys"
names=(hub $(grep -E '^  - id: ' "$topology" | awk '{print $3}'))
cp "$topology" "$output"
for name in "${names[@]}"; do
  [ -f "$keys/$name.secret" ] || "$aeohub" keys generate --dir "$keys" "$name" >/dev/null
  key=$(tr -d '\n' < "$keys/$name.public")
  label="$name public key"
  # Z85 keys may contain '&', '/' and '|'; replace with awk, taking the key literally.
  awk -v label="<$label>" -v key="$key" '{ i = index($0, label); if (i) { $0 = substr($0, 1, i - 1) key substr($0, i + length(label)) } print }' "$output" > "$output.tmp"
  mv "$output.tmp" "$output"
done
echo "provisioned ${#names[@]} key pairs in $keys; topology with public keys: $output"
