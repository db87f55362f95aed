#!/usr/bin/env bash
# Regenerates the committed Swift code and the test vectors from Protocols/proto.
# Needs protoc (Debian's protobuf-compiler) and Python's protobuf 4.21; builds protoc-gen-swift from
# the package's own swift-protobuf checkout the first time (slow, once).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v protoc >/dev/null || { apt-get update -qq && apt-get install -y -qq protobuf-compiler; }
python3 -c 'import google.protobuf' 2>/dev/null || pip install -q 'protobuf==4.21.12'

plugin_dir=${PROTOC_GEN_SWIFT_DIR:-.build-protoc/release}
if [ ! -x "$plugin_dir/protoc-gen-swift" ]; then
  swift package resolve
  swift build -c release --package-path .build/checkouts/swift-protobuf --scratch-path .build-protoc --product protoc-gen-swift
fi

protos=(Protocols/proto/aeohub/v1/*.proto)
PATH="$PWD/$plugin_dir:$PATH" protoc -I Protocols/proto \
  --swift_opt=Visibility=Public --swift_opt=FileNaming=DropPath \
  --swift_out=Sources/HubProtocol/Generated "${protos[@]}"

# The Python classes are committed too: the example node and the vector generator use them.
protoc -I Protocols/proto --python_out=Protocols/python "${protos[@]}"
touch Protocols/python/aeohub/__init__.py Protocols/python/aeohub/v1/__init__.py
python3 Protocols/tools/make_vectors.py Protocols/python Protocols/vectors
