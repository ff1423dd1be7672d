import assert from 'node:assert/strict';
import { convertToMultiStage } from '../../server/src/fixes/convert';
import type { ConvertResult } from '../../server/src/fixes/convert';
import { parseCargoToml } from '../../server/src/fixes/convert/rust';

const cargo =
  '[package]\nname = "relay"\nversion = "0.1.0"\n\n[dependencies]\nserde = { version = "1", features = ["derive"] } # name = "not-this"\n';

function convert(
  text: string,
  files: Record<string, string> = { 'Cargo.toml': cargo },
  rootEntries = Object.keys(files),
): ConvertResult {
  return convertToMultiStage(text, { rootEntries, files });
}

/** The final stage of a conversion, or the refusal reason. */
function finalStage(text: string, files?: Record<string, string>): string {
  const result = convert(text, files);
  return result.ok ? result.text.slice(result.text.indexOf('\n\nFROM ') + 2) : result.reason;
}

describe('convert Rust', () => {
  it('reads the package name, [[bin]] names and workspace of Cargo.toml', () => {
    assert.deepEqual(
      parseCargoToml(
        '[workspace]\nmembers = ["a"]\n\n[package]\nname = "tool"\n\n[[bin]]\nname = "tool-a"\npath = "src/a.rs"\n\n[[bin]]\nname = \'tool-b\'\n\n[dependencies]\nname = "x"\n',
      ),
      {
        packageName: 'tool',
        bins: ['tool-a', 'tool-b'],
        workspace: true,
      },
    );
  });

  it('ships a musl target on distroless/static', () => {
    assert.equal(
      finalStage(
        'FROM rust:1.83-bookworm\nRUN rustup target add x86_64-unknown-linux-musl\nWORKDIR /src\nCOPY . .\nRUN cargo build --release --target x86_64-unknown-linux-musl\nCMD ["/src/target/x86_64-unknown-linux-musl/release/relay"]\n',
      ),
      'FROM gcr.io/distroless/static-debian12:nonroot\nWORKDIR /src\nCOPY --from=build /src/target/x86_64-unknown-linux-musl/release/relay /src/target/x86_64-unknown-linux-musl/release/relay\nCMD ["/src/target/x86_64-unknown-linux-musl/release/relay"]\n',
    );
    assert.equal(
      finalStage(
        'FROM rust:1.83-alpine\nRUN apk add --no-cache musl-dev\nWORKDIR /src\nCOPY . .\nRUN cargo build --release\nCMD ["./target/release/relay"]\n',
      ),
      'FROM gcr.io/distroless/static-debian12:nonroot\nWORKDIR /src\nCOPY --from=build /src/target/release/relay /src/target/release/relay\nCMD ["./target/release/relay"]\n',
    );
  });

  it('follows CARGO_TARGET_DIR, --target-dir, --profile and debug builds', () => {
    const cases = [
      ['ENV CARGO_TARGET_DIR=/cache/target\nRUN cargo build --release', '/cache/target/release/relay'],
      ['RUN cargo build --release --target-dir out', '/src/out/release/relay'],
      ['RUN cargo build --profile production', '/src/target/production/relay'],
      ['RUN cargo build', '/src/target/debug/relay'],
    ];
    assert.deepEqual(
      cases.map(([build, path]) =>
        finalStage(`FROM rust:1.83-bookworm\nWORKDIR /src\nCOPY . .\n${build}\nCMD ["${path}"]\n`)
          .split('\n')
          .find((line) => line.startsWith('COPY --from=build')),
      ),
      cases.map(([, path]) => `COPY --from=build ${path} ${path}`),
    );
  });

  it('finds the binary a bare CMD runs from PATH: copied into a PATH folder, or installed by cargo', () => {
    assert.deepEqual(
      [
        finalStage(
          'FROM rust:1.83-bookworm\nWORKDIR /src\nCOPY . .\nRUN cargo build --release && cp target/release/relay /usr/local/bin\nCMD ["relay"]\n',
        ),
        finalStage('FROM rust:1.83-bookworm\nWORKDIR /src\nCOPY . .\nRUN cargo install --path .\nCMD ["relay"]\n'),
        finalStage(
          'FROM rust:1.83-bookworm\nWORKDIR /src\nCOPY . .\nRUN cargo install --path .\nCMD ["/usr/local/cargo/bin/relay"]\n',
        ),
      ].map((text) => text.split('\n')[2]),
      [
        'COPY --from=build /usr/local/bin/relay /usr/local/bin/relay',
        'COPY --from=build /usr/local/cargo/bin/relay /usr/local/bin/relay',
        'COPY --from=build /usr/local/cargo/bin/relay /usr/local/cargo/bin/relay',
      ],
    );
  });

  it('keeps distroless/cc for OpenSSL, which its base has', () => {
    const result = convert(
      'FROM rust:1.83-bookworm\nRUN apt-get update && apt-get install -y pkg-config libssl-dev\nWORKDIR /src\nCOPY . .\nRUN cargo build --release\nCMD ["/src/target/release/relay"]\n',
    );
    assert.ok(result.ok);
    assert.match(result.text, /\nFROM gcr\.io\/distroless\/cc-debian12:nonroot\n/);
    assert.ok(
      result.messages.includes('The binary links libssl3 (from libssl-dev), which gcr.io/distroless/cc-debian12 has.'),
    );
  });

  it('refuses what it cannot make safe', () => {
    const run = (lines: string) => `FROM rust:1.83-bookworm\nWORKDIR /src\nCOPY . .\n${lines}\n`;
    const cases: [string, Record<string, string> | undefined, string][] = [
      [
        run('RUN cargo build --release\nCMD ["/src/target/release/relay"]'),
        {},
        'No Cargo.toml in the build context: cannot tell the binary name.',
      ],
      [
        run('RUN cargo build --release\nCMD relay migrate && /src/target/release/relay --port 80'),
        undefined,
        'CMD at line 5 runs several programs (relay, /src/target/release/relay): cannot tell which files it needs.',
      ],
      [
        run('RUN cargo build --release\nCMD ["/src/target/release/other"]'),
        undefined,
        'CMD at line 5 runs /src/target/release/other, which is not a binary the build makes (/src/target/release/relay).',
      ],
      [
        run('RUN cargo build --release --bin worker\nCMD ["/src/target/release/worker"]'),
        undefined,
        '`--bin worker` is not a binary Cargo.toml names (relay).',
      ],
      [
        run('RUN cargo build --release -p relay\nCMD ["/src/target/release/relay"]'),
        undefined,
        'The cargo command names a package or manifest (-p/--manifest-path): cannot tell the binary.',
      ],
      [
        run('RUN cd crates/relay && cargo build --release\nCMD ["/src/target/release/relay"]'),
        undefined,
        '`cargo` at line 4 runs after cd: cannot tell where the binary lands.',
      ],
      [
        run('RUN cargo build --release\nRUN mkdir /data\nCMD ["/src/target/release/relay"]'),
        undefined,
        'RUN at line 5 runs after the build: cannot tell whether the shipped image needs what it makes.',
      ],
      [
        run('RUN cargo build --release\nUSER relay\nCMD ["/src/target/release/relay"]'),
        undefined,
        'USER relay (line 5) is not a user of the distroless image: use a numeric UID.',
      ],
      [
        run('RUN cargo build --release --target-dir "$OUT"\nCMD ["/src/target/release/relay"]'),
        undefined,
        'The target dir $OUT uses a variable: cannot tell where the binary lands.',
      ],
      [
        'FROM rust:1.83-alpine\nRUN apk add musl-dev openssl-dev\nCOPY . .\nRUN cargo build --release\nCMD ["/target/release/relay"]\n',
        undefined,
        'The build links openssl-dev on musl: cannot tell whether the binary is static.',
      ],
      [
        'FROM rust:1.83-bookworm\nRUN apt-get update && apt-get install -y ffmpeg\nCOPY . .\nRUN cargo build --release\nCMD ["/target/release/relay"]\n',
        undefined,
        'Line 2 installs ffmpeg, which the app may need at run time and gcr.io/distroless/cc-debian12:nonroot does not have: cannot tell.',
      ],
      [
        'FROM rust:1.83-bookworm\nRUN apt-get update && apt-get install -y libpq-dev\nCOPY . .\nRUN cargo build --release\nHEALTHCHECK CMD wget -q -O- http://localhost/ || exit 1\nCMD ["/target/release/relay"]\n',
        undefined,
        'HEALTHCHECK at line 5 uses wget, which debian:bookworm-slim does not have: check with the app itself (or install wget) first.',
      ],
      [
        'FROM rust:1.83-bookworm@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\nCOPY . .\nRUN cargo build --release\nCMD ["/target/release/relay"]\n',
        undefined,
        'The base image is pinned by digest: cannot tell the digest of its runtime counterpart.',
      ],
      [
        'FROM rust:1.83\nCOPY . .\nRUN cargo run --release\n',
        undefined,
        'No `cargo build` or `cargo install --path` found in a RUN: nothing to separate.',
      ],
    ];
    assert.deepEqual(
      cases.map(([text, files]) => finalStage(text, files)),
      cases.map(([, , expected]) => expected),
    );
    assert.deepEqual(
      convert(run('RUN cargo build --release\nCMD ["/src/target/release/relay"]'), { 'Cargo.toml': cargo }, [
        'Cargo.toml',
        '.cargo',
        'src',
      ]),
      {
        ok: false,
        reason:
          'The context has .cargo/, whose config may set the target or target dir: cannot tell where the binary lands.',
      },
    );
  });
});
