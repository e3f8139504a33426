import { ConfigError, loadConfig } from './config';
import { EngineUnavailableError } from './db/ferretdb';
import { createLogger } from './logger';
import { startService } from './server';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
  const logger = createLogger(config.LOG_LEVEL);
  let service;
  try {
    service = await startService({ config, logger, listen: true });
  } catch (err) {
    if (err instanceof EngineUnavailableError) {
      logger.fatal(err.message);
      console.error(`\n${err.message}`);
      process.exit(3);
    }
    logger.fatal({ err }, 'start-up failed');
    process.exit(1);
  }

  let signals = 0;
  const shutdown = (signal: string) => {
    signals += 1;
    if (signals > 1) {
      logger.warn('second signal: exiting now');
      process.exit(1);
    }
    logger.info({ signal }, 'shutting down');
    service
      .stop()
      .then(() => {
        logger.info('stopped');
        process.exit(0);
      })
      .catch((err) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

void main();
