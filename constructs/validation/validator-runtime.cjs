'use strict';
/**
 * What compiled schema validators need at run time, in one CommonJS module so that validators compiled
 * in-process (ajv.compile) and the precompiled ones in imports/validators/ (ajv standalone code, which
 * `require`s this file) use exactly the same regular-expression engine and formats.
 */
const { fullFormats } = require('ajv-formats/dist/formats');

/**
 * CRD patterns are Go (RE2) regular expressions, and two of RE2's forms are not JavaScript: a leading flag
 * group such as prometheus-operator's `(?i)`, which becomes JavaScript flags, and a one-letter Unicode class
 * such as Cilium's `\PC` ("not a control or other character"), which JavaScript writes `\P{C}` (ajv compiles
 * patterns with the `u` flag). The rest of RE2's syntax the vendored CRDs use is also valid JavaScript.
 */
function goRegExp(pattern, flags) {
  const source = pattern.replace(/(^|[^\\])((?:\\\\)*)\\([pP])([A-Z])/g, '$1$2\\$3{$4}');
  const leading = /^(\^?)\(\?([imsU]+)\)/.exec(source);
  if (!leading) return new RegExp(source, flags);
  const extra = [...leading[2]].filter((f) => f === 'i' || f === 'm' || f === 's').join('');
  return new RegExp(leading[1] + source.slice(leading[0].length), [...new Set(flags + extra)].join(''));
}

/**
 * Kubernetes' `cidr` format (k8s.io/kube-openapi strfmt: an IPv4 or IPv6 prefix as Go's net.ParseCIDR reads it),
 * which Cilium's LoadBalancer pools use for their blocks.
 */
function isCidr(value) {
  const slash = value.lastIndexOf('/');
  if (slash < 0 || !/^\d{1,3}$/.test(value.slice(slash + 1))) return false;
  const address = value.slice(0, slash);
  const prefix = Number(value.slice(slash + 1));
  if (fullFormats.ipv4.test(address)) return prefix <= 32;
  return fullFormats.ipv6.test(address) && prefix <= 128;
}

/**
 * The OpenAPI formats Kubernetes uses that are checked by type only: integer and number sizes (ranges not checked),
 * byte, binary, password, and quantity and int-or-string, whose oneOf of types Kubernetes' definitions spell out.
 */
const crdFormats = { ...fullFormats, cidr: isCidr };
for (const format of ['int32', 'int64', 'float', 'double', 'byte', 'binary', 'password', 'quantity', 'int-or-string']) crdFormats[format] = true;

/** Integer formats of agentgateway's schema (Rust types) with their ranges; `double` is any number. */
const agentgatewayFormats = {
  uint8: { type: 'number', validate: (n) => Number.isInteger(n) && n >= 0 && n <= 0xff },
  uint16: { type: 'number', validate: (n) => Number.isInteger(n) && n >= 0 && n <= 0xffff },
  uint32: { type: 'number', validate: (n) => Number.isInteger(n) && n >= 0 && n <= 0xffffffff },
  uint64: { type: 'number', validate: (n) => Number.isInteger(n) && n >= 0 },
  uint: { type: 'number', validate: (n) => Number.isInteger(n) && n >= 0 },
  int32: { type: 'number', validate: (n) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31 },
  double: { type: 'number', validate: (n) => Number.isFinite(n) },
  // `format: const` marks string constants that `const` already checks.
  const: true,
};

module.exports = { goRegExp, crdFormats, agentgatewayFormats };
