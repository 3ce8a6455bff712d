const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether `s` is a UUID: ids from a URL are checked before they reach a uuid column (which would throw). */
export const isUuid = (s: string) => UUID.test(s);
