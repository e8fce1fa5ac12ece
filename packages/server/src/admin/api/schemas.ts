import { Type } from "typebox";

/** The tenant a console request is about, by its subDomain (query or body `tenant`). */
export const SubDomain = Type.String({ minLength: 1, maxLength: 63 });
