import {
  authorizeManager,
  pageQuery,
  type Listing,
  type Manager,
  type User,
  type UserRepository,
} from '../domain/index.js';

export interface ListUsersInput {
  readonly page: number;
  readonly perPage: number;
}

/** One page of users, oldest registration first; a page past the end is simply empty. */
export class ListUsers {
  constructor(private readonly users: UserRepository) {}

  async execute(manager: Manager, { page, perPage }: ListUsersInput): Promise<Listing<User>> {
    authorizeManager(manager);
    const { items, total } = await this.users.list(pageQuery(page, perPage));
    return { items, total, page, perPage };
  }
}
