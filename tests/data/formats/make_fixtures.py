#!/usr/bin/env python3
"""Regenerates the fixtures of tests/test_formats.cpp with the Python standard library only,
so that the engine's readers are checked against writers that share no code with it:
reference.safetensors (the reference writer's layout: compact JSON with sorted keys, header
padded with spaces to a multiple of 8), PNGs written with zlib by hand (RGB, RGBA, grey) and a
16-bit WAV. Run from this folder: python3 make_fixtures.py"""
import json
import math
import struct
import wave
import zlib


def safetensors():
    tensors = {
        "weight": ("F32", [2, 2], struct.pack("<4f", 1.0, -2.0, 0.5, 3.0)),
        "ids": ("I64", [3], struct.pack("<3q", 7, -1, 1 << 40)),
        "mask": ("U8", [4], bytes([0, 1, 254, 255])),
        "half": ("F16", [2], struct.pack("<2H", 0x3C00, 0xC000)),
    }
    header = {"__metadata__": {"format": "pt", "source": "hand-written fixture"}}
    data = b""
    for name in sorted(tensors):
        dt, shape, raw = tensors[name]
        header[name] = {"dtype": dt, "shape": shape, "data_offsets": [len(data), len(data) + len(raw)]}
        data += raw
    text = json.dumps(header, separators=(",", ":"), sort_keys=True).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    with open("reference.safetensors", "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + data)


def png(path, w, h, colortype, rows):
    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xFFFFFFFF)
    raw = b"".join(b"\x00" + bytes(r) for r in rows)
    ihdr = struct.pack(">IIBBBBB", w, h, 8, colortype, 0, 0, 0)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def media():
    # 3x2 RGB: red, green, blue / white, black, gray (Shapes World colours)
    png("conversation/scene.png", 3, 2, 2,
        [[220, 40, 40, 50, 170, 60, 40, 80, 220], [245, 245, 245, 20, 20, 20, 128, 128, 128]])
    # 3x1 RGBA: opaque blue, fully transparent red, half-transparent black
    png("rgba.png", 3, 1, 6, [[40, 80, 220, 255, 220, 40, 40, 0, 0, 0, 0, 128]])
    # 2x2 grey
    png("gray.png", 2, 2, 0, [[0, 255], [100, 200]])
    # 0.25 s of a 440 Hz tone at 8 kHz, 16-bit mono
    with wave.open("conversation/tone.wav", "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(b"".join(struct.pack("<h", int(16384 * math.sin(2 * math.pi * 440 * i / 8000)))
                               for i in range(2000)))
    conv = {"format": "weft-conversation", "version": 1, "messages": [
        {"role": "user", "segments": [{"image": "scene.png"}, {"audio": "tone.wav"},
                                      {"text": "make it sound like this"}]},
        {"role": "assistant", "segments": [{"image": "scene.png", "retrieved": True}],
         "meta": {"model": "weft-tiny", "model_hash": "0" * 64, "seed": 7, "options": {"temperature": 0.8},
                  "seconds": 0.5}}]}
    with open("conversation/conversation.json", "w") as f:
        f.write(json.dumps(conv, indent=2) + "\n")


if __name__ == "__main__":
    safetensors()
    media()
