import {
  authorizeManager,
  readPage,
  type Manager,
  type Page,
  type PageRequest,
  type User,
  type UserRepository,
} from '../domain/index.js';

/** One page of users, oldest registration first; a page past the end is simply empty. */
export class ListUsers {
  constructor(private readonly users: UserRepository) {}

  async execute(manager: Manager, request: PageRequest): Promise<Page<User>> {
    authorizeManager(manager);
    return readPage(request, (query) => this.users.list(query));
  }
}
