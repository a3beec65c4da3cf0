#!/usr/bin/env python3
"""Compiles native/src/msense_kernels.cu with NVRTC (libnvrtc.so.<major>) into one cubin per architecture.

Usage: nvrtc_build.py LIBNVRTC OUT_DIR ARCH...   (ARCH like sm_80)
Writes OUT_DIR/msense_kernels.<ARCH>.cubin and prints, per cubin, its size and SHA-256. The flags match
native/build.sh (-fmad=false: bit-identical generator; -std=c++14). NVRTC has no system headers: the sources
guard their #includes with __CUDACC_RTC__, and msense_rng.h is passed as an in-memory header.
Used by native/build-cuda12.sh; needs only python3 and the NVRTC library (no GPU, no driver).
"""
import ctypes
import hashlib
import os
import sys

FLAGS = ["--fmad=false", "-std=c++14", "-default-device"]


def main():
    lib, out, archs = sys.argv[1], sys.argv[2], sys.argv[3:]
    nvrtc = ctypes.CDLL(lib)
    src_dir = os.path.join(os.path.dirname(os.path.abspath(__file__)), "src")
    source = open(os.path.join(src_dir, "msense_kernels.cu"), "rb").read()
    header = open(os.path.join(src_dir, "msense_rng.h"), "rb").read()
    major, minor = ctypes.c_int(), ctypes.c_int()
    nvrtc.nvrtcVersion(ctypes.byref(major), ctypes.byref(minor))
    print("nvrtc %d.%d" % (major.value, minor.value))
    nvrtc.nvrtcGetErrorString.restype = ctypes.c_char_p
    for arch in archs:
        prog = ctypes.c_void_p()
        headers = (ctypes.c_char_p * 1)(header)
        names = (ctypes.c_char_p * 1)(b"msense_rng.h")
        check(nvrtc, nvrtc.nvrtcCreateProgram(ctypes.byref(prog), source, b"msense_kernels.cu", 1, headers, names))
        opts = [b"--gpu-architecture=" + arch.encode()] + [f.encode() for f in FLAGS]
        status = nvrtc.nvrtcCompileProgram(prog, len(opts), (ctypes.c_char_p * len(opts))(*opts))
        size = ctypes.c_size_t()
        nvrtc.nvrtcGetProgramLogSize(prog, ctypes.byref(size))
        log = ctypes.create_string_buffer(size.value)
        nvrtc.nvrtcGetProgramLog(prog, log)
        if status != 0:
            sys.exit("nvrtc_build.py: %s failed: %s\n%s" % (arch, nvrtc.nvrtcGetErrorString(status).decode(),
                                                           log.value.decode(errors="replace")))
        check(nvrtc, nvrtc.nvrtcGetCUBINSize(prog, ctypes.byref(size)))
        cubin = ctypes.create_string_buffer(size.value)
        check(nvrtc, nvrtc.nvrtcGetCUBIN(prog, cubin))
        data = cubin.raw[:size.value]
        path = os.path.join(out, "msense_kernels.%s.cubin" % arch)
        with open(path, "wb") as f:
            f.write(data)
        nvrtc.nvrtcDestroyProgram(ctypes.byref(prog))
        print("%s %d %s" % (arch, len(data), hashlib.sha256(data).hexdigest()))
    print("flags=" + " ".join(FLAGS))


def check(nvrtc, status):
    if status != 0:
        sys.exit("nvrtc_build.py: NVRTC error: " + nvrtc.nvrtcGetErrorString(status).decode())


if __name__ == "__main__":
    main()
