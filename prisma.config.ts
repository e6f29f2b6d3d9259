// Prisma CLI config: `prisma generate` only. Migrations are applied by scripts/migrate.ts
// (see prisma/README.md): Prisma's schema engine cannot be downloaded on our machines.
import { defineConfig } from 'prisma/config';

export default defineConfig({});
