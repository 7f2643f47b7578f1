import { InMemoryUserRepository } from './InMemoryUserRepository.js';
import { InMemoryWidgetRepository } from './InMemoryWidgetRepository.js';

/**
 * The user and widget fakes, each knowing the other as a database's foreign key would: a widget's
 * owner must exist, and a user who owns widgets cannot be removed.
 */
export function inMemoryStores(): {
  users: InMemoryUserRepository;
  widgets: InMemoryWidgetRepository;
} {
  const users: InMemoryUserRepository = new InMemoryUserRepository((publicId: string): number =>
    widgets.countOwnedBy(publicId),
  );
  const widgets: InMemoryWidgetRepository = new InMemoryWidgetRepository(
    (publicId: string): boolean => users.exists(publicId),
  );
  return { users, widgets };
}
