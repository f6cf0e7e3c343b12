#!/bin/sh
# Regenerates src/formats/onnx/schema/onnx-ml_pb.ts from the official ONNX schema shipped with the onnx package
# (Debian python3-onnx: /usr/lib/python3/dist-packages/onnx/onnx-ml.proto, copied to schema/onnx-ml.proto) with
# protoc (Debian protobuf-compiler) and protoc-gen-es, pinned to the @bufbuild/protobuf runtime's version.
# Run from the repository root: sh scripts/gen-onnx-schema.sh [path/to/onnx-ml.proto]
set -eu
PROTO=${1:-/usr/lib/python3/dist-packages/onnx/onnx-ml.proto}
OUT=src/formats/onnx/schema
VERSION=$(node -p "require('./node_modules/@bufbuild/protobuf/package.json').version")
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
cp "$PROTO" "$OUT/onnx-ml.proto"
(cd "$TMP" && npm init -y >/dev/null && npm install --silent --no-audit --no-fund "@bufbuild/protoc-gen-es@$VERSION" >/dev/null)
(cd "$OUT" && PATH="$TMP/node_modules/.bin:$PATH" protoc --es_out=. --es_opt=target=ts,import_extension=js onnx-ml.proto)
echo "wrote $OUT/onnx-ml_pb.ts (protoc-gen-es $VERSION)"
