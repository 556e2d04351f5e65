// HTTPS with --tls-cert / --tls-key: a self-signed certificate made by openssl, queried by curl with Basic auth over TLS.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startNode, tempDir } from '../../harness/index.ts';
import { parseConfig } from '../../../actors/config.ts';

const TOOLS = existsSync('/usr/bin/openssl') && existsSync('/usr/bin/curl');

describe.skipIf(!TOOLS)('HTTPS', () => {
  let node: Awaited<ReturnType<typeof startNode>>;
  let dir: ReturnType<typeof tempDir>;
  let cert: string;
  let port: number;

  beforeAll(async () => {
    dir = tempDir();
    cert = join(dir.path, 'cert.pem');
    const key = join(dir.path, 'key.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'], { stdio: 'ignore' });
    node = await startNode({ data: join(dir.path, 'data'), overrides: { tlsCert: cert, tlsKey: key, userProvider: 'static_user_provider:cmd:ops=s3cret' } });
    port = node.httpAddress!.port;
  }, 60_000);

  afterAll(async () => {
    await node?.stop();
    dir?.cleanup();
  });

  // curl as a child process, asynchronously: the node answers from this same process.
  const curl = (...args: string[]) => new Promise<{ status: number; stdout: string; stderr: string }>((resolve) => {
    execFile('curl', ['-sS', '--max-time', '20', ...args], { encoding: 'utf8' }, (err, stdout, stderr) => {
      resolve({ status: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });

  it('curl trusting the certificate runs SQL with Basic credentials over TLS', async () => {
    const r = await curl('--cacert', cert, '-u', 'ops:s3cret', '--data-urlencode', 'sql=SELECT 1 + 1 AS two', '-w', '\n%{http_code} %{scheme}', `https://127.0.0.1:${port}/v1/sql?db=public`);
    expect(r.status, r.stderr).toBe(0);
    const [body, status] = r.stdout.split('\n');
    expect(status).toBe('200 HTTPS');
    expect(JSON.parse(body!).output[0].records.rows).toEqual([[2]]);
  });

  it('a client that does not trust the certificate is refused, and plain HTTP gets no answer', async () => {
    const untrusted = await curl(`https://127.0.0.1:${port}/health`);
    expect(untrusted.status).toBe(60); // curl: peer certificate cannot be authenticated
    const plain = await curl('-o', '/dev/null', '-w', '%{http_code}', `http://127.0.0.1:${port}/health`);
    expect(plain.stdout).not.toBe('200');
  });

  it('--tls-cert without --tls-key is a usage error naming both flags', () => {
    expect(() => parseConfig(['--tls-cert', cert], {})).toThrow('--tls-cert needs --tls-key too (HTTPS takes both)');
  });
});
