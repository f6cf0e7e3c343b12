#!/usr/bin/env python3
"""Self-test for record_imports.py (stdlib only): every opcode that reaches find_class or calls a stub completes,
names are recorded raw and in order, and nothing in a hostile pickle runs. Run: python3 test/tools/record_imports_selftest.py
"""

import os
import pickle
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import record_imports  # noqa: E402


def rec(data, **kw):
    return record_imports.record(data, **kw)


class RecordImportsTest(unittest.TestCase):
    def test_cases(self):
        # (name, bytes, expected raw imports [module, name, proto], expected error prefix or None)
        cases = [
            ("GLOBAL+REDUCE p2 (Python-2 name)", b"\x80\x02c__builtin__\nset\n)R.", [["__builtin__", "set", 2]], None),
            ("NEWOBJ + BUILD dict", b"\x80\x02cmod\nK\n)\x81}U\x01aK\x01sb.", [["mod", "K", 2]], None),
            ("BUILD (dict, slotstate)", b"\x80\x02cmod\nK\n)\x81}U\x01aK\x01s}U\x01bK\x02s\x86b.", [["mod", "K", 2]], None),
            ("NEWOBJ_EX via STACK_GLOBAL + memo", b"\x80\x04\x8c\x03mod\x94\x8c\x01K\x94\x93\x94)}\x8c\x01kK\x01s\x92\x94.",
             [["mod", "K", 4]], None),
            ("OBJ", b"(cmod\nK\nK\x01K\x02o.", [["mod", "K", 0]], None),
            ("INST", b"(K\x01imod\nK\n.", [["mod", "K", 0]], None),
            ("BUILD on the class itself", b"\x80\x02cmod\nK\n}U\x01aK\x01sb.", [["mod", "K", 2]], None),
            ("APPEND/APPENDS/SETITEM/SETITEMS on a stub", b"\x80\x04cmod\nK\n)R(K\x01K\x02eK\x03aK\x04K\x05s(K\x06K\x07u.",
             [["mod", "K", 4]], None),
            ("ADDITEMS on a stub", b"\x80\x04cmod\nK\n)R(K\x01\x90.", [["mod", "K", 4]], None),
            ("persistent id used as NEWOBJ class", b"\x80\x02U\x01x\x85Q)\x81.", [], None),
            ("PERSID text", b"Pabc\n.", [], None),
            ("getattr gadget", b"\x80\x02c__builtin__\ngetattr\ncos\nsystem\nU\x04nameU\x01x\x86R.",
             [["__builtin__", "getattr", 2], ["os", "system", 2]], None),
            ("mid-stream PROTO", b"\x80\x02c__builtin__\nset\n)R0\x80\x04c__builtin__\nset\n)R.",
             [["__builtin__", "set", 2], ["__builtin__", "set", 4]], None),
            ("EXT1, empty registry", b"\x80\x02\x82\x05.", [], "ValueError: unregistered extension code 5"),
            ("EXT2, empty registry", b"\x80\x02\x83\x00\x01.", [], "ValueError: unregistered extension code 256"),
            ("EXT4, empty registry", b"\x80\x02\x84\x00\x00\x01\x00.", [], "ValueError: unregistered extension code 65536"),
            ("garbage", b"\xff", [], "UnpicklingError"),
            ("empty", b"", [], "EOFError"),
        ]
        for name, data, imports, error in cases:
            with self.subTest(name):
                out = rec(data)
                self.assertEqual(out["imports"], imports)
                if error is None:
                    self.assertIsNone(out["error"])
                    self.assertEqual(out["pickles"], 1)
                else:
                    self.assertTrue(out["error"].startswith(error), out["error"])

    def test_resolved_applies_fix_imports_only_below_protocol_3(self):
        out = rec(b"\x80\x02c__builtin__\nset\n)R0\x80\x04c__builtin__\nset\n)R.")
        self.assertEqual(out["resolved"], [["builtins", "set"], ["__builtin__", "set"]])
        out = rec(b"\x80\x02cUserDict\nUserDict\n.")
        self.assertEqual(out["resolved"], [["collections", "UserDict"]])

    def test_hostile_pickles_do_not_run(self):
        with tempfile.TemporaryDirectory() as tmp:
            canary = os.path.join(tmp, "canary")

            class Evil:
                def __reduce__(self):
                    return (os.system, ("touch " + canary,))

            class EvilOpen:
                def __reduce__(self):
                    return (open, (canary, "w"))

            for proto in range(pickle.HIGHEST_PROTOCOL + 1):
                for obj in (Evil(), EvilOpen(), [Evil(), {"k": EvilOpen()}]):
                    out = rec(pickle.dumps(obj, protocol=proto))
                    self.assertIsNone(out["error"])
                    self.assertFalse(os.path.exists(canary))

    def test_stacked_and_offset(self):
        a = pickle.dumps({"a": 1}, protocol=4)
        b = pickle.dumps({1, 2}, protocol=2)
        c = pickle.dumps([1], protocol=0)
        out = rec(a + b + c, read_all=True)
        self.assertEqual(out["pickles"], 3)
        self.assertEqual(out["imports"], [["__builtin__", "set", 2]])
        self.assertEqual(out["end_offset"], len(a + b + c))
        out = rec(a + b + c, offset=len(a))
        self.assertEqual(out["pickles"], 1)
        self.assertEqual(out["end_offset"], len(a + b))
        out = rec(a + b"\x80\x04\x95", read_all=True)
        self.assertEqual(out["pickles"], 1)
        self.assertTrue(out["error"].startswith("UnpicklingError"))


if __name__ == "__main__":
    unittest.main()
