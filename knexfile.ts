// Configuration for the knex CLI; the service itself uses createKnex with the same options.
import { knexConfig } from './src/adapters/persistence/knex/createKnex.js';

export default knexConfig(process.env.DATABASE_URL ?? 'sqlite:./var/gatehouse.sqlite');
