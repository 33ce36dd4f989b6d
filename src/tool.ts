/** The tool's name and version, as reported in the JSON report and the User-Agent header. */
export const TOOL = { name: 'openactive-auth-check', version: '0.1.0' } as const
