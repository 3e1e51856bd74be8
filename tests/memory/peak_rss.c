/* peak_rss.c - runs a command and writes its peak resident set size (KiB, getrusage's
 * ru_maxrss of the child) to a file; exits with the command's status (128 + signal number if
 * it was killed, 127 if it could not be run).  Used by tests/memory.sh (make test) and by
 * scripts/bench.py.  The command is forked from this small process, not from a large parent
 * (Python), whose own peak the kernel would otherwise carry into the child's ru_maxrss across
 * fork and exec.
 *
 * usage: peak_rss OUTFILE COMMAND [ARG...] */
#include <stdio.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    struct rusage ru;
    pid_t pid;
    FILE *f;
    int st;

    if (argc < 3) {
        fprintf(stderr, "usage: peak_rss OUTFILE COMMAND [ARG...]\n");
        return 2;
    }
    pid = fork();
    if (pid < 0) {
        perror("peak_rss: fork");
        return 2;
    }
    if (pid == 0) {
        execvp(argv[2], argv + 2);
        perror(argv[2]);
        _exit(127);
    }
    if (wait4(pid, &st, 0, &ru) < 0) {
        perror("peak_rss: wait4");
        return 2;
    }
    f = fopen(argv[1], "w");
    if (!f || fprintf(f, "%ld\n", ru.ru_maxrss) < 0 || fclose(f) != 0) {
        perror(argv[1]);
        return 2;
    }
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}
