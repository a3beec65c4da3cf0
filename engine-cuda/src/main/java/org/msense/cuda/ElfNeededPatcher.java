package org.msense.cuda;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Retargets a shared library (ELF64, little-endian) from one needed library to another of the same name
 * length, e.g. {@code libcublas.so.12 → libcublas.so.13}, by rewriting its dynamic tables in place.
 *
 * <p>What changes, and nothing else: in {@code .dynstr}, the strings referenced by a {@code DT_NEEDED}
 * entry, by a version-need's {@code vn_file} and by a version-need-aux's {@code vna_name} that equal the
 * old name are overwritten with the new name (same length, so no offset moves); and every
 * {@code vna_hash} whose {@code vna_name} was rewritten is set to the SysV ELF hash of the new name, as
 * the dynamic loader compares that hash with the version definitions of the library it finds.
 * Section sizes, symbol tables, relocations and code are untouched.
 *
 * <p>This class only edits bytes; it does not load anything. {@link CublasBridge} uses it.
 */
public final class ElfNeededPatcher {
    static final int SHT_STRTAB = 3;
    static final int SHT_DYNAMIC = 6;
    static final int SHT_GNU_VERNEED = 0x6ffffffe;
    static final long DT_NULL = 0;
    static final long DT_NEEDED = 1;

    private ElfNeededPatcher() {
    }

    /** What {@link #patch} changed. */
    public record Result(byte[] image, int neededRewritten, int versionFilesRewritten, int versionNamesRewritten) {
        /** Whether anything referred to the old name at all. */
        public boolean changed() {
            return neededRewritten + versionFilesRewritten + versionNamesRewritten > 0;
        }
    }

    /** One version requirement of a library: the file it is needed from, the version name and its hash. */
    public record VersionNeed(String file, String name, long hash, int other) {
    }

    /** The dynamic-linking facts of a library that the bridge cares about. */
    public record DynamicInfo(List<String> needed, List<VersionNeed> versionNeeds) {
    }

    /**
     * The SysV ELF hash ({@code elf_hash} of the System V ABI) of a name, as stored in {@code vna_hash}.
     */
    public static long elfHash(String name) {
        long h = 0;
        for (byte b : name.getBytes(StandardCharsets.ISO_8859_1)) {
            h = (h << 4) + (b & 0xff);
            long g = h & 0xf0000000L;
            if (g != 0) {
                h ^= g >>> 24;
            }
            h &= ~g;
            h &= 0xffffffffL;
        }
        return h;
    }

    /**
     * Returns a patched copy of {@code elf}; the input is not modified.
     *
     * @throws IllegalArgumentException when the names differ in length, or the file is not an ELF64
     *                                  little-endian shared object with a dynamic string table
     */
    public static Result patch(byte[] elf, String oldName, String newName) {
        if (oldName.length() != newName.length() || oldName.isEmpty()) {
            throw new IllegalArgumentException("the names must be non-empty and of equal length: '" + oldName + "' → '"
                    + newName + "'");
        }
        byte[] image = elf.clone();
        Layout l = Layout.of(image);
        ByteBuffer buf = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
        // Phase 1: find every reference to the old name (strings may be shared between entries).
        java.util.Set<Long> strings = new java.util.TreeSet<>();
        List<Integer> hashSlots = new ArrayList<>();
        int needed = 0;
        for (long name : neededNames(buf, l)) {
            if (oldName.equals(l.string(image, name))) {
                strings.add(name);
                needed++;
            }
        }
        int[] files = {0};
        forEachVersionNeed(buf, l, new VersionNeedVisitor() {
            @Override
            public void file(long name) {
                if (oldName.equals(l.string(image, name))) {
                    strings.add(name);
                    files[0]++;
                }
            }

            @Override
            public void aux(long file, int aux) {
                long name = Integer.toUnsignedLong(buf.getInt(aux + 8));
                if (oldName.equals(l.string(image, name))) {
                    strings.add(name);
                    hashSlots.add(aux);
                }
            }
        });
        // Phase 2: rewrite the strings and the hashes of the rewritten version names.
        byte[] replacement = newName.getBytes(StandardCharsets.ISO_8859_1);
        for (long s : strings) {
            l.put(image, s, replacement);
        }
        int newHash = (int) elfHash(newName);
        for (int slot : hashSlots) {
            buf.putInt(slot, newHash);
        }
        return new Result(image, needed, files[0], hashSlots.size());
    }

    /** String-table offsets of the DT_NEEDED entries of the dynamic section, in order. */
    private static List<Long> neededNames(ByteBuffer buf, Layout l) {
        List<Long> names = new ArrayList<>();
        for (long off = l.dynamicOffset; off + 16 <= l.dynamicOffset + l.dynamicSize; off += 16) {
            long tag = buf.getLong((int) off);
            if (tag == DT_NULL) {
                break;
            }
            if (tag == DT_NEEDED) {
                names.add(buf.getLong((int) off + 8));
            }
        }
        return names;
    }

    /** Receives the entries of the version-needs section (.gnu.version_r). */
    private interface VersionNeedVisitor {
        /** A Verneed entry, by the string-table offset of its file name. */
        void file(long name);

        /** A Vernaux entry of the Verneed whose file name is at {@code file}, at offset {@code aux} of the image. */
        void aux(long file, int aux);
    }

    /** Walks the Verneed list and each entry's Vernaux list (nothing when the object has no version needs). */
    private static void forEachVersionNeed(ByteBuffer buf, Layout l, VersionNeedVisitor visitor) {
        if (l.verneedOffset < 0) {
            return;
        }
        long vn = l.verneedOffset;
        for (int i = 0; i < l.verneedCount; i++) {
            int cnt = Short.toUnsignedInt(buf.getShort((int) vn + 2));
            long file = Integer.toUnsignedLong(buf.getInt((int) vn + 4));
            visitor.file(file);
            long a = vn + Integer.toUnsignedLong(buf.getInt((int) vn + 8));
            for (int j = 0; j < cnt; j++) {
                visitor.aux(file, (int) a);
                long anext = Integer.toUnsignedLong(buf.getInt((int) a + 12));
                if (anext == 0) {
                    break;
                }
                a += anext;
            }
            long next = Integer.toUnsignedLong(buf.getInt((int) vn + 12));
            if (next == 0) {
                break;
            }
            vn += next;
        }
    }

    /** Reads the needed libraries and version requirements of an ELF64 little-endian shared object. */
    public static DynamicInfo read(byte[] elf) {
        Layout l = Layout.of(elf);
        ByteBuffer buf = ByteBuffer.wrap(elf).order(ByteOrder.LITTLE_ENDIAN);
        List<String> needed = new ArrayList<>();
        for (long name : neededNames(buf, l)) {
            needed.add(l.string(elf, name));
        }
        List<VersionNeed> needs = new ArrayList<>();
        forEachVersionNeed(buf, l, new VersionNeedVisitor() {
            @Override
            public void file(long name) {
            }

            @Override
            public void aux(long file, int aux) {
                long hash = Integer.toUnsignedLong(buf.getInt(aux));
                int other = Short.toUnsignedInt(buf.getShort(aux + 6));
                String name = l.string(elf, Integer.toUnsignedLong(buf.getInt(aux + 8)));
                needs.add(new VersionNeed(l.string(elf, file), name, hash, other));
            }
        });
        return new DynamicInfo(List.copyOf(needed), List.copyOf(needs));
    }

    /** File offsets of the dynamic section, its string table and the version-needs section. */
    private record Layout(long dynamicOffset, long dynamicSize, long dynstrOffset, long dynstrSize, long verneedOffset,
            int verneedCount) {

        static Layout of(byte[] elf) {
            if (elf.length < 64 || elf[0] != 0x7f || elf[1] != 'E' || elf[2] != 'L' || elf[3] != 'F') {
                throw new IllegalArgumentException("not an ELF file");
            }
            if (elf[4] != 2 || elf[5] != 1) {
                throw new IllegalArgumentException("only ELF64 little-endian libraries are supported (class " + elf[4]
                        + ", data " + elf[5] + ")");
            }
            ByteBuffer buf = ByteBuffer.wrap(elf).order(ByteOrder.LITTLE_ENDIAN);
            long shoff = buf.getLong(0x28);
            int shentsize = Short.toUnsignedInt(buf.getShort(0x3A));
            int shnum = Short.toUnsignedInt(buf.getShort(0x3C));
            if (shoff <= 0 || shentsize < 64 || shoff + (long) shnum * shentsize > elf.length) {
                throw new IllegalArgumentException("the ELF section header table is missing or truncated");
            }
            long dyn = -1;
            long dynSize = 0;
            int dynLink = -1;
            long vn = -1;
            int vnCount = 0;
            for (int i = 0; i < shnum; i++) {
                int h = (int) (shoff + (long) i * shentsize);
                int type = buf.getInt(h + 4);
                if (type == SHT_DYNAMIC) {
                    dyn = buf.getLong(h + 0x18);
                    dynSize = buf.getLong(h + 0x20);
                    dynLink = buf.getInt(h + 0x28);
                } else if (type == SHT_GNU_VERNEED) {
                    vn = buf.getLong(h + 0x18);
                    vnCount = buf.getInt(h + 0x2C); // sh_info: number of Verneed entries
                }
            }
            if (dyn < 0 || dynLink <= 0 || dynLink >= shnum) {
                throw new IllegalArgumentException("no dynamic section: not a shared library");
            }
            int sh = (int) (shoff + (long) dynLink * shentsize);
            if (buf.getInt(sh + 4) != SHT_STRTAB) {
                throw new IllegalArgumentException("the dynamic section's string table is not a string table");
            }
            long strOff = buf.getLong(sh + 0x18);
            long strSize = buf.getLong(sh + 0x20);
            if (strOff + strSize > elf.length || dyn + dynSize > elf.length) {
                throw new IllegalArgumentException("the ELF file is truncated");
            }
            return new Layout(dyn, dynSize, strOff, strSize, vn, vnCount);
        }

        String string(byte[] elf, long offset) {
            if (offset < 0 || offset >= dynstrSize) {
                throw new IllegalArgumentException("string offset " + offset + " outside .dynstr (" + dynstrSize + " bytes)");
            }
            int start = (int) (dynstrOffset + offset);
            int end = start;
            while (end < dynstrOffset + dynstrSize && elf[end] != 0) {
                end++;
            }
            return new String(elf, start, end - start, StandardCharsets.ISO_8859_1);
        }

        void put(byte[] elf, long offset, byte[] value) {
            System.arraycopy(value, 0, elf, (int) (dynstrOffset + offset), value.length);
        }
    }
}
