// Print {relpath: CID} of a folder as js ipfs-unixfs-importer (Helia's importer) computes it,
// for tests/ipfs/test_helia_crosscheck.py. Usage: node helia_cid.mjs FOLDER PROFILE
import { importer } from 'ipfs-unixfs-importer'
import { MemoryBlockstore } from 'blockstore-core'
import fs from 'node:fs'
import path from 'node:path'

const [root, profile] = process.argv.slice(2)
const entries = []
function walk (dir, rel) {
  for (const name of fs.readdirSync(dir).sort()) {
    if (name.startsWith('.')) continue
    const full = path.join(dir, name)
    const r = rel ? `${rel}/${name}` : name
    if (fs.statSync(full).isDirectory()) {
      entries.push({ path: `root/${r}` })
      walk(full, r)
    } else {
      entries.push({ path: `root/${r}`, content: fs.createReadStream(full) })
    }
  }
}
entries.push({ path: 'root' })
walk(root, '')
const out = {}
for await (const e of importer(entries, new MemoryBlockstore(), { profile })) {
  out[e.path === 'root' ? '' : e.path.slice(5)] = e.cid.toString()
}
console.log(JSON.stringify(out))
