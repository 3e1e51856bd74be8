/* main.c - the topictag command: dispatches to the subcommands (src/cli/), which use
 * only the public header. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "select.h"

static const cli_command *const commands[] = {
    &cli_classify, &cli_check, &cli_segment, &cli_test, &cli_explain, &cli_diff,
    &cli_eval,
    &cli_merge,
};
#define NCOMMANDS (sizeof commands / sizeof *commands)

static const char *command_name(const void *ctx, size_t i)
{
    (void)ctx;
    return commands[i]->name;
}

/* The command named name; NULL after printing the error (with the nearest name). */
static const cli_command *find_command(const char *name)
{
    size_t c;
    for (c = 0; c < NCOMMANDS; c++)
        if (!strcmp(name, commands[c]->name))
            return commands[c];
    cli_unknown("unknown command", name, command_name, NULL, NCOMMANDS);
    return NULL;
}

static void main_help(FILE *o)
{
    size_t i;
    fputs("usage: topictag COMMAND [OPTION]... [PATH]...\n\n"
          "A rule-based topic classifier for news: YAML rules, PCRE2 regexes, sentence tags.\n\n"
          "Commands:\n",
          o);
    for (i = 0; i < NCOMMANDS; i++)
        fprintf(o, "  %-10s %s\n", commands[i]->name, commands[i]->usage + 9);
    fputs("\nRun 'topictag help COMMAND' (or 'topictag COMMAND --help') for a command's "
          "options.\n\n",
          o);
    fputs(cli_exit_help, o);
}

int main(int argc, char **argv)
{
    const cli_command *cmd;
    int rc;
    if (argc < 2) {
        main_help(stderr);
        return EXIT_USAGE;
    }
    if (!strcmp(argv[1], "help") && argc > 2) {   /* topictag help COMMAND */
        if (!(cmd = find_command(argv[2])))
            return EXIT_USAGE;
        cli_help(stdout, cmd);
        return cli_close_output(stdout, NULL);
    }
    if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
        main_help(stdout);
        return cli_close_output(stdout, NULL);
    }
    if (!strcmp(argv[1], "-V") || !strcmp(argv[1], "--version")) {
        printf("topictag %s\nprefilters: literal%s\n", tt_version(),
               tt_have_hyperscan() ? " hyperscan" : "");
        return cli_close_output(stdout, NULL);
    }
    if (!(cmd = find_command(argv[1])))
        return EXIT_USAGE;
    rc = cmd->run(cmd, argc - 1, argv + 1);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "topictag: error writing standard output: %s\n", strerror(errno));
        return EXIT_SYSTEM;
    }
    return rc;
}
