// The first member named twice in one object of a JSON text, checked against texts built here and against a count
// made from fast-check's JSON objects with names repeated at random.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { firstRefusedMember } from "../../lib/encoding/duplicateMembers.ts";

const firstDuplicateMember = (text: string) => {
  const found = firstRefusedMember(text);
  return found?.why === "named twice" ? found.path : undefined;
};

describe("firstRefusedMember", () => {
  it("finds a member named __proto__ at any depth, however its name is escaped", () => {
    expect(firstRefusedMember('{"__proto__":{"x":1}}')).toEqual({ path: ["__proto__"], why: "named __proto__" });
    expect(firstRefusedMember('{"record":{"fields":{"a":1,"\\u005f_proto__":2}}}')).toEqual({
      path: ["record", "fields", "__proto__"],
      why: "named __proto__",
    });
    expect(firstRefusedMember('[{"a":"__proto__"},["__proto__"]]')).toBeUndefined();
  });

  it("finds a number JSON.parse cannot hold as written: beyond 2^53 − 1, too many digits, beyond a double, at its path", () => {
    const notHeld = (path: (string | number)[]) => ({ path, why: "a number not held exactly" });
    expect(firstRefusedMember('{"a":9007199254740993}')).toEqual(notHeld(["a"]));
    expect(firstRefusedMember('{"a":{"b":[1,-9007199254740993]}}')).toEqual(notHeld(["a", "b", 1]));
    expect(firstRefusedMember('[0,{"x":"9007199254740993","y":12345678901234567890}]')).toEqual(notHeld([1, "y"]));
    expect(firstRefusedMember('{"a": 1e400}')).toEqual(notHeld(["a"]));
    expect(firstRefusedMember('{"a":-1E+400 }')).toEqual(notHeld(["a"]));
    // Read as 0, and as 0.1: not what was written.
    expect(firstRefusedMember('{"a":1e-400}')).toEqual(notHeld(["a"]));
    expect(firstRefusedMember('{"a":0.1000000000000000055511151231257827}')).toEqual(notHeld(["a"]));
    // An integer written as a decimal or with an exponent is the same integer.
    expect(firstRefusedMember('{"a":9007199254740993.0}')).toEqual(notHeld(["a"]));
    expect(firstRefusedMember('{"a":9.007199254740993e15}')).toEqual(notHeld(["a"]));
    for (const held of [
      '{"a":9007199254740991,"b":-9007199254740991,"c":9007199254740992}',
      '{"a":0.1,"b":123456789012345.5,"c":1e15,"d":1.5e-300,"e":"12345678901234567890"}',
      '{"a":[1,2,3.25,-0,0e0,0.0e-999,-0.000]}',
      '{"a":6.02e23,"b":1e16,"c":0.30000000000000004,"d":1.7976931348623157e308,"e":5e-324,"f":100E-2}',
    ]) {
      expect(firstRefusedMember(held), held).toBeUndefined();
    }
  });

  it("finds nothing in JSON without a repeated name, however nested, spaced or escaped", () => {
    for (const text of [
      "{}",
      "[]",
      '{"a":1,"b":{"a":2},"c":[{"a":3},{"a":4}]}',
      '{ "a" : "\\"a\\":1" , "b" : [ "a", "a" ] }',
      '[{"x":1},{"x":2}]',
      '{"\\u0061b":1,"ab2":2}',
    ]) {
      expect(firstDuplicateMember(text), text).toBeUndefined();
    }
  });

  it("names the path of the second occurrence: in the body, nested, in an array, spaced, or escaped", () => {
    expect(firstDuplicateMember('{"statement":"x","statement":"y"}')).toEqual(["statement"]);
    expect(firstDuplicateMember('{"fields":{"name":"a","n":1,"name":"b"}}')).toEqual(["fields", "name"]);
    expect(firstDuplicateMember('{"materials":[1,{"a":1,"a":2}]}')).toEqual(["materials", 1, "a"]);
    expect(firstDuplicateMember('{ "a" : 1 ,\n "a" : 2 }')).toEqual(["a"]);
    expect(firstDuplicateMember('{"a":1,"\\u0061":2}')).toEqual(["a"]);
    expect(firstDuplicateMember('[{"ok":1},{"x":[],"x":{}}]')).toEqual([1, "x"]);
  });

  it("ends on text that is not JSON: an unclosed string, UTF-16 bytes read as UTF-8", () => {
    expect(firstDuplicateMember('{"a":"unclosed')).toBeUndefined();
    // Whatever it finds in such text, it ends: the gateway once looped here on a UTF-16 body.
    expect(firstDuplicateMember(Buffer.from('{"a":1,"b":"c\\"}', "utf16le").toString("utf8"))).not.toBe("hang");
    expect(firstDuplicateMember('{"a\\')).toBeUndefined();
  });

  it("finds a name written again at the end of 2,000 generated objects, and nothing in their plain serialisation", () => {
    // An object serialised with one member written twice (or not): the scan must say so, and where.
    const member = fc.string({ maxLength: 6 });
    fc.assert(
      fc.property(
        fc.dictionary(member, fc.jsonValue({ maxDepth: 3 }), { maxKeys: 6 }),
        fc.boolean(),
        (object, twice) => {
          const names = Object.keys(object);
          // Integers jsonValue makes beyond 2^53 − 1 are refused before any name: they are written as 0 here.
          const base = JSON.stringify(object, (_, v) => (Number.isSafeInteger(v) || !Number.isInteger(v) ? v : 0));
          if (!twice || names.length === 0) {
            // JSON.stringify never repeats a name; nested values come from jsonValue, which does not either.
            expect(firstDuplicateMember(base)).toBeUndefined();
            return;
          }
          const repeated = names[0] as string;
          const text = `${base.slice(0, -1)},${JSON.stringify(repeated)}:0}`;
          expect(JSON.parse(text)[repeated]).toBe(0);
          expect(firstDuplicateMember(text)).toEqual([repeated]);
        },
      ),
      { numRuns: 2_000 },
    );
  });
});
