/** Filled in by the accounts work. */
export {}
