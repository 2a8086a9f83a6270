/**
 * Runs an OpenLDAP client tool (ldapsearch, ldapadd, …) without blocking the event loop — the
 * servers under test often run in the test's own process — and without reading ~/.ldaprc.
 */
import { spawn } from 'node:child_process';

export function runLdapTool(
  command: string,
  args: readonly string[],
): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: { ...process.env, LDAPNOINIT: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status: status ?? -1, stdout, stderr }));
  });
}
