/** What createServer.ts is built from; index.ts reads it from the environment. */
export interface UsersConfig {
  databaseUrl: string;
  internalSecret: string;
  development: boolean;
  /** Signs the user tokens handed out by signUp/signIn (the gateway verifies them). */
  jwtSecret: string;
  tokenTtlSeconds: number;
}
