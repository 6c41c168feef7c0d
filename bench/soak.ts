export const runSoak = async (..._args: unknown[]) => { throw new Error("soak: not yet"); };
