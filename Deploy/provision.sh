#!/usr/bin/env bash
# Generates a key pair for the hub and every unit of a topology file, and writes a copy of the
# topology with the public keys filled in.
#   usage: Deploy/provision.sh TOPOLOGY KEYS_DIR OUTPUT_TOPOLOGY [AEOHUB_BINARY]
# Secret keys are created with mode 0600 (open(2) with O_EXCL: never readable by others, never
# overwritten); existing keys are kept (delete one to rotate it).
# A unit may instead make its own key on its own machine, so the secret never travels:
#   aeohub keys generate --out /etc/aeohub/keys/NODE.secret    # prints the public key
# and send only that public key; write it into the topology in place of "<NODE public key>".
# This script makes keys only for the placeholders still there, so a public key set by hand is kept.
set -euo pipefail
topology=$1 keys=$2 output=$3 aeohub=${4:-aeohub}
mkdir -p "$keys" && chmod 700 "$keys"
names=(hub $(grep -E '^  - id: ' "$topology" | awk '{print $3}'))
cp "$topology" "$output"
for name in "${names[@]}"; do
  label="$name public key"
  # A unit that made its own key has its public key in the topology already: nothing to make.
  grep -qF "<$label>" "$output" || continue
  [ -f "$keys/$name.secret" ] || "$aeohub" keys generate --dir "$keys" "$name" >/dev/null
  key=$(tr -d '\n' < "$keys/$name.public")
  # Z85 keys may contain '&', '/' and '|'; replace with awk, taking the key literally.
  awk -v label="<$label>" -v key="$key" '{ i = index($0, label); if (i) { $0 = substr($0, 1, i - 1) key substr($0, i + length(label)) } print }' "$output" > "$output.tmp"
  mv "$output.tmp" "$output"
done
echo "provisioned ${#names[@]} key pairs in $keys; topology with public keys: $output"
