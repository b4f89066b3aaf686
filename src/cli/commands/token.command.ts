import { Command } from 'commander';
import { addCommonOptions, withLibrary, type CommonOptions } from '../context.js';
import { emit, table } from '../output.js';

export function tokenCommand(): Command {
  const token = new Command('token').description('manage API tokens (once one exists, every request needs one)');

  addCommonOptions(token.command('create').description('create a token and print it (it is shown only once)').option('--name <name>', 'what the token is for', 'default'))
    .action(async (options: CommonOptions & { name: string }) => {
      await withLibrary(options, async (library) => {
        const created = await library.tokens.create(options.name);
        emit(options.json, created, () => `${created.token}\n\nToken ${created.id} ("${created.name}") created. Store it now: it is not shown again.\nUse it as: Authorization: Bearer ${created.token}`);
      });
    });

  addCommonOptions(token.command('ls').description('list tokens (ids and names, never the tokens)'))
    .action(async (options: CommonOptions) => {
      await withLibrary(options, async (library) => {
        const tokens = await library.tokens.list();
        emit(options.json, { tokens }, () =>
          tokens.length === 0 ? 'no tokens: a server of this library answers without one on loopback, and refuses every request on any other address' : table(['ID', 'NAME', 'CREATED'], tokens.map((t) => [t.id, t.name, new Date(t.createdAt).toISOString()])),
        );
      });
    });

  addCommonOptions(token.command('revoke').description('delete a token').argument('<id>', 'token id (from token ls)'))
    .action(async (id: string, options: CommonOptions) => {
      await withLibrary(options, async (library) => {
        await library.tokens.revoke(id);
        const last = !(await library.tokens.anyExist());
        emit(options.json, { id, revoked: true, tokens_left: !last }, () =>
          last
            ? `token ${id} revoked. It was the last one: a server of this library listening beyond loopback now refuses every request until a token is created (\`camtrove token create\`); on loopback it answers without one`
            : `token ${id} revoked`,
        );
      });
    });
  return token;
}
