import type { Api, RawBody, RouteName } from '@genbox/contracts';
import type { z } from 'zod';

/** `{id: string, userId: string}` for `/api/boxes/:id/members/:userId`. */
export type PathParams<P extends string> = P extends `${string}:${infer Param}/${infer Rest}`
  ? { [K in Param]: string } & PathParams<`/${Rest}`>
  : P extends `${string}:${infer Param}`
    ? { [K in Param]: string }
    : unknown;

type Field<S, K extends string> = S extends { [P in K]: infer T } ? (T extends z.ZodType ? z.input<T> : never) : never;

/** What a call sends: the path's params, the JSON body and the query, each only where the route has one. */
export type CallInput<N extends RouteName> = (unknown extends PathParams<Api[N]['path']> ? unknown : { params: PathParams<Api[N]['path']> }) &
  ([Field<Api[N], 'body'>] extends [never] ? unknown : { body: Field<Api[N], 'body'> }) &
  ([Field<Api[N], 'query'>] extends [never] ? unknown : { query?: Field<Api[N], 'query'> });

/** What a call resolves to: the parsed JSON answer, nothing for 204s, the Response itself for bytes and streams. */
export type CallResult<N extends RouteName> = Api[N]['response'] extends z.ZodType
  ? z.output<Api[N]['response']>
  : Api[N]['response'] extends 'none'
    ? void
    : Api[N]['response'] extends RawBody
      ? Response
      : never;

/** Routes that need nothing but their name. */
export type BareRoute = { [N in RouteName]: {} extends CallInput<N> ? N : never }[RouteName];
