// A throwaway git repository for tools that read one (gitlab-ci-local reads the pipeline and
// the component from the committed tree).
import { execFileSync } from 'node:child_process';

/** `git init` in `dir` and one commit of everything in it. */
export function commitAll(dir: string): void {
  execFileSync('git', ['init', '-q', dir]);
  execFileSync('git', ['-C', dir, 'add', '-A']);
  execFileSync('git', [
    '-C',
    dir,
    '-c',
    'user.name=t',
    '-c',
    'user.email=t@t',
    'commit',
    '-qm',
    'ci',
  ]);
}
