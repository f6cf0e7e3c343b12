export function functionsProject(dir: string, functions?: number, perFile?: number, deser?: boolean): string;
export function fanoutProject(dir: string, width?: number, shape?: string): string;
