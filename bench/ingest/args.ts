/** The benchmarks' command line: `--name value` options and `--flag` switches. */
export function benchArgs(argv: readonly string[] = process.argv.slice(2)) {
  return {
    /** The value after `--name`, if given. */
    arg: (name: string): string | undefined => {
      const i = argv.indexOf(`--${name}`);
      return i >= 0 ? argv[i + 1] : undefined;
    },
    /** Whether `--name` is given. */
    flag: (name: string): boolean => argv.includes(`--${name}`),
  };
}
