import { expect } from 'chai';
import { infoUrlProblem } from '../../../../src/domain/index.js';

describe('info_url rule', () => {
  const valid = [
    'http://www.one.com',
    'https://www.two.net',
    'https://example.com/path/to/page?query=1&b=%20#fragment',
    'http://sub.domain.example.co.uk/',
    'http://example.com.',
    'http://xn--bcher-kva.example/',
    'http://a-b.c-d.io',
    'HTTPS://EXAMPLE.COM/Upper',
    `https://example.com/${'p'.repeat(255 - 'https://example.com/'.length)}`,
  ];
  for (const url of valid) {
    it(`accepts ${JSON.stringify(url.slice(0, 60))}`, () => {
      expect(infoUrlProblem(url)).to.equal(null);
    });
  }

  const invalid: [url: string, reason: string | null][] = [
    // not an absolute URL: a suggestion only when the http:// form would be accepted
    ['www.example.com', 'Did you mean: http://www.example.com'],
    ['example.com/a/b?c=d', 'Did you mean: http://example.com/a/b?c=d'],
    ['', null],
    ['not a url', null],
    ['example', null],
    ['localhost', null],
    ['user@example.com', null],
    ['example.com:8080', null],
    ['//example.com', null],
    ['/relative/path', null],
    ['http:example.com', null],
    ['http:///example.com', null],
    ['mailto:someone@example.com', null],
    // scheme
    ['ftp://example.com', 'Protocol is not allowed'],
    ['javascript://example.com/%0Aalert(1)', 'Protocol is not allowed'],
    ['file://example.com/etc/passwd', 'Protocol is not allowed'],
    // IP literals, in every spelling a browser would read as one
    ['http://93.184.216.34/', 'IP is not allowed'],
    ['http://127.0.0.1', 'IP is not allowed'],
    ['http://999.1.1.1', 'IP is not allowed'],
    ['http://[::1]/', 'IP is not allowed'],
    ['http://[2001:db8::1]:8080/', 'IP is not allowed'],
    ['http://0x7f.0.0.1/', 'IP is not allowed'],
    ['http://127.1/', 'IP is not allowed'],
    ['http://2130706433/', 'IP is not allowed'],
    ['http://user:pass@10.0.0.1/', 'IP is not allowed'],
    // user info
    ['http://user:pass@example.com', 'Authentication is not allowed'],
    ['http://user@example.com', 'Authentication is not allowed'],
    ['http://@example.com', 'Authentication is not allowed'],
    ['http://user@localhost', 'Authentication is not allowed'],
    // localhost
    ['http://localhost', 'Localhost is not allowed'],
    ['http://LOCALHOST/admin', 'Localhost is not allowed'],
    ['http://localhost:3000', 'Localhost is not allowed'],
    ['http://api.localhost/', 'Localhost is not allowed'],
    // any explicit port, even the scheme's default
    ['http://example.com:80', 'Custom port is not allowed'],
    ['https://example.com:443/', 'Custom port is not allowed'],
    ['http://example.com:8080/path', 'Custom port is not allowed'],
    // malformed
    ['http://example.com:', null],
    ['http://example.com:8o', null],
    ['http://exa mple.com', null],
    ['http://example.com/a b', null],
    ['http://example.com\\@evil.com', null],
    ['http://bücher.de', null],
    ['http://example.com/%zz', null],
    ['http://exa_mple.com', null],
    ['http://-example.com', null],
    ['http://example-.com', null],
    ['http://example.c', null],
    ['http://example..com', null],
    ['http://foo.123', null],
    ['http://[not-an-ip]/', null],
    ['http://', null],
    [' http://example.com', null],
  ];
  for (const [url, reason] of invalid) {
    const expected =
      reason === null ? `${url} is not a valid URL` : `${url} is not a valid URL. ${reason}`;
    it(`refuses ${JSON.stringify(url)}: ${JSON.stringify(expected)}`, () => {
      expect(infoUrlProblem(url)).to.equal(expected);
    });
  }

  it('refuses a URL over 255 characters', () => {
    const url = `https://example.com/${'p'.repeat(256 - 'https://example.com/'.length)}`;
    expect(url).to.have.length(256);
    expect(infoUrlProblem(url)).to.equal(
      `${url} is not a valid URL. URL must be at most 255 characters`,
    );
  });

  it('does not suggest an http:// form that would be too long', () => {
    const url = `example.com/${'p'.repeat(250 - 'example.com/'.length)}`;
    expect(infoUrlProblem(url)).to.equal(`${url} is not a valid URL`);
  });
});
