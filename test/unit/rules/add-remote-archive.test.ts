import assert from 'node:assert/strict';
import { analyze } from '../../../server/src/engine/analyze';
import { buildModel } from '../../../server/src/model/model';
import { rule } from '../../../server/src/rules/add-remote-archive';
import { ruleTester } from '../ruleTester';

const sha = 'sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d';

ruleTester(rule, {
  valid: [
    {
      name: 'ADD with a checksum',
      code: `FROM debian:12-slim\nADD --checksum=${sha} https://github.com/krallin/tini/releases/download/v0.19.0/tini /tini\n`,
    },
    {
      name: 'a verified archive unpacked and deleted later: cleanup-in-later-layer reports that',
      code: `FROM debian:12-slim\nADD --checksum=${sha} https://example.com/tool.tar.gz /tmp/\nRUN tar -xzf /tmp/tool.tar.gz -C /opt\nRUN rm /tmp/tool.tar.gz\n`,
    },
    {
      name: 'a verified archive ADD unpacks itself',
      code: `# syntax=docker/dockerfile:1.17\nFROM debian:12-slim\nADD --unpack=true --checksum=${sha} https://example.com/tool.tar.gz /opt/\n`,
    },
    {
      name: 'a verified archive that is not unpacked',
      code: `FROM eclipse-temurin:21-jre\nADD --checksum=${sha} https://repo1.maven.org/maven2/org/example/app/1.0/app-1.0.jar /app/app.jar\n`,
    },
    { name: 'a local file', code: 'FROM debian:12-slim\nADD rootfs.tar.gz /\nADD app.conf /etc/app.conf\n' },
    { name: 'a git repository', code: 'FROM alpine:3.20\nADD https://github.com/moby/buildkit.git#v0.14.1 /src\n' },
    {
      name: 'a build stage the shipped image does not use',
      code: 'FROM alpine:3.20 AS tools\nADD https://example.com/tool /usr/local/bin/tool\nFROM alpine:3.20\nUSER nobody\n',
    },
    {
      name: 'downloading in a RUN',
      code: 'FROM debian:12-slim\nRUN curl -fsSLo /tmp/tool.tgz https://example.com/tool.tgz && tar -xzf /tmp/tool.tgz -C /opt && rm /tmp/tool.tgz\n',
    },
  ],
  invalid: [
    {
      name: 'ADD of a URL without a checksum',
      code: 'FROM debian:12-slim\nADD «https://github.com/krallin/tini/releases/download/v0.19.0/tini» /tini\nRUN chmod +x /tini\n',
      messages: ['`ADD https://github.com/krallin/tini/releases/download/v0.19.0/tini` downloads without a checksum'],
      output: null,
    },
    {
      name: 'an unverified archive unpacked by a later RUN',
      code: 'FROM debian:bookworm-slim\nADD «https://example.com/tool-1.2.tar.gz» /tmp/\nRUN tar -xzf /tmp/tool-1.2.tar.gz -C /opt\n',
      messages: [
        'downloads without a checksum and keeps the archive in its own layer. The RUN on line 3 unpacks it again',
      ],
    },
    {
      name: 'a verified archive unpacked by a later RUN and kept',
      code: `FROM debian:12-slim\nWORKDIR /tmp\nADD --checksum=${sha} «https://example.com/tool.zip» .\nRUN unzip tool.zip -d /opt\n`,
      messages: ['keeps the archive in its own layer. The RUN on line 4 unpacks it again, so the image carries both'],
    },
    {
      name: 'an archive renamed by ADD and unpacked with old-style tar options',
      code: 'FROM debian:12-slim\nADD «https://example.com/download?id=7» /tmp/tool.tar.gz\nRUN cd /tmp && tar xzf /tmp/tool.tar.gz\n',
      messages: ['The RUN on line 3 unpacks it again'],
    },
    {
      name: 'in a build stage the shipped image copies from (a hint)',
      code: 'FROM alpine:3.20 AS fetch\nADD «https://github.com/just-containers/s6-overlay/releases/download/v3.2.0.2/s6-overlay-noarch.tar.xz» /tmp/\nRUN mkdir /root-out && tar -C /root-out -Jxpf /tmp/s6-overlay-noarch.tar.xz\nFROM scratch\nCOPY --from=fetch /root-out/ /\n',
      severity: 'hint',
      messages: ['downloads without a checksum. The build uses whatever the server returns'],
    },
    {
      name: 'inherited from a parent stage',
      code: 'FROM debian:12-slim AS base\nADD «https://example.com/tool» /usr/local/bin/tool\nFROM base\nUSER nobody\n',
      messages: ['downloads without a checksum'],
    },
  ],
});

describe('add-remote-archive severities', () => {
  const severities = (text: string) => analyze(buildModel(text), {}, [rule]).map((finding) => finding.severity);

  it('warns in the shipped image and hints in a build stage it uses', () => {
    assert.deepEqual(severities('FROM alpine:3.20\nADD https://example.com/tool /tool\n'), ['warning']);
    assert.deepEqual(
      severities(
        'FROM alpine:3.20 AS fetch\nADD https://example.com/tool /tool\nFROM scratch\nCOPY --from=fetch /tool /tool\n',
      ),
      ['hint'],
    );
  });
});
