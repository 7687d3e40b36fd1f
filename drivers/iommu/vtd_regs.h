/*
 * drivers/iommu/vtd_regs.h - Intel VT-d hardware definitions: the layout
 * of the legacy-mode translation structures (root, context and
 * second-level paging entries), the remapping unit's registers and their
 * fields, and the fault reasons. Definitions only; any context.
 * Intel Virtualization Technology for Directed I/O Architecture
 * Specification: "Root Entry", "Context Entry", "Second-Level Paging
 * Entries", "Register Descriptions", "Fault Reasons".
 */
#ifndef DRIVERS_IOMMU_VTD_REGS_H
#define DRIVERS_IOMMU_VTD_REGS_H

#include "lib/types.h"

/* "Root Entry": 128 bits, one per bus; a 4 KiB table of 256. */
#define VTD_ROOT_ENTRIES 256
#define VTD_ROOT_PRESENT BIT(0)		       /* low qword */
#define VTD_ROOT_CTP	 0xfffffffffffff000ULL /* low qword, 63:12 */
#define VTD_ROOT_RSVD_LO 0xffeULL	       /* bits 11:1 */

/* "Context Entry": 128 bits, one per device/function of a bus. */
#define VTD_CONTEXT_ENTRIES 256
#define VTD_CTX_PRESENT	    BIT(0) /* low qword */
#define VTD_CTX_FPD	    BIT(1) /* fault processing disable */
#define VTD_CTX_TT_SHIFT    2	   /* translation type, bits 3:2 */
#define VTD_CTX_TT_MASK	    (3ULL << VTD_CTX_TT_SHIFT)
#define VTD_CTX_TT_UNTRANSL 0	     /* untranslated requests, second level */
#define VTD_CTX_TT_ALL	    1	     /* also translated requests (device TLB) */
#define VTD_CTX_TT_PASSTHRU 2	     /* no translation (ECAP.PT) */
#define VTD_CTX_RSVD_LO	    0xff0ULL /* bits 11:4 */
#define VTD_CTX_SLPTPTR	    0xfffffffffffff000ULL /* low qword, 63:12 */
#define VTD_CTX_AW_MASK	    7ULL		  /* high qword, bits 2:0 */
#define VTD_CTX_AW_39	    1			  /* 3-level table */
#define VTD_CTX_AW_48	    2			  /* 4-level table */
#define VTD_CTX_AW_57	    3			  /* 5-level table */
#define VTD_CTX_DID_SHIFT   8			  /* high qword, bits 23:8 */
#define VTD_CTX_DID_MASK    (0xffffULL << VTD_CTX_DID_SHIFT)
#define VTD_CTX_RSVD_HI	    0xffffffffff000080ULL /* bits 63:24 and 7 */

/* "Second-Level Paging Entries": 64 bits, 512 per 4 KiB table. */
#define VTD_SL_READ	       BIT(0)
#define VTD_SL_WRITE	       BIT(1)
#define VTD_SL_EXEC	       BIT(2)  /* requests with PASID only */
#define VTD_SL_PS	       BIT(7)  /* PDE: 2 MiB, PDPE: 1 GiB */
#define VTD_SL_SNP	       BIT(11) /* leaf: snoop (ECAP.SC) */
#define VTD_SL_TM	       BIT(62) /* leaf: transient mapping */
#define VTD_SL_ADDR	       0x000ffffffffff000ULL /* bits 51:12 */
#define VTD_SL_ADDR_2M	       0x000fffffffe00000ULL /* bits 51:21 */
#define VTD_SL_ADDR_1G	       0x000fffffc0000000ULL /* bits 51:30 */
#define VTD_SL_ENTRIES	       512
#define VTD_SL_LEVELS	       4 /* AW 48: PML4, PDP, PD, PT */
#define VTD_SL_LEVEL_SHIFT(lv) (PAGE_SHIFT + 9 * ((lv)-1))
#define VTD_SL_LEVEL_SIZE(lv)  (1ULL << VTD_SL_LEVEL_SHIFT(lv))
#define VTD_SL_ADDR_LIMIT      (1ULL << 48) /* what AW 48 translates */

/* "Register Descriptions": offsets in the unit's register page. */
#define VTD_REG_VER    0x00 /* 32 */
#define VTD_REG_CAP    0x08 /* 64 */
#define VTD_REG_ECAP   0x10 /* 64 */
#define VTD_REG_GCMD   0x18 /* 32 */
#define VTD_REG_GSTS   0x1c /* 32 */
#define VTD_REG_RTADDR 0x20 /* 64 */
#define VTD_REG_CCMD   0x28 /* 64 */
#define VTD_REG_FSTS   0x34 /* 32 */
#define VTD_REG_FECTL  0x38 /* 32 */
/* IOTLB registers at ECAP.IRO * 16: IVA_REG, then IOTLB_REG. */
#define VTD_REG_IVA_OFF	  0x0
#define VTD_REG_IOTLB_OFF 0x8
#define VTD_REG_PAGE	  0x1000 /* the registers fit in one page */

/* "Capability Register" */
#define VTD_CAP_ND(c)	 ((unsigned)((c)&7))	       /* 2^(4+2*ND) domains */
#define VTD_CAP_RWBF	 BIT(4)			       /* write-buffer flush */
#define VTD_CAP_CM	 BIT(7)			       /* caching mode */
#define VTD_CAP_SAGAW(c) ((unsigned)((c) >> 8) & 0x1f) /* bit 2: AW 48 */
#define VTD_CAP_SAGAW_48 BIT(2)
#define VTD_CAP_MGAW(c)	 ((unsigned)((c) >> 16) & 0x3f)	 /* width - 1 */
#define VTD_CAP_FRO(c)	 ((unsigned)((c) >> 24) & 0x3ff) /* x16 bytes */
#define VTD_CAP_SLLPS_2M BIT(34)			 /* 2 MiB pages */
#define VTD_CAP_SLLPS_1G BIT(35)
#define VTD_CAP_NFR(c)	 ((unsigned)((c) >> 40) & 0xff) /* count - 1 */
#define VTD_CAP_DWD	 BIT(54) /* IOTLB invalidation drains writes */
#define VTD_CAP_DRD	 BIT(55) /* ... and reads */

/* "Extended Capability Register" */
#define VTD_ECAP_C	BIT(0) /* page-walk coherency */
#define VTD_ECAP_PT	BIT(6) /* pass-through translation type */
#define VTD_ECAP_IRO(e) ((unsigned)((e) >> 8) & 0x3ff) /* x16 bytes */

/* "Global Command Register" and "Global Status Register": the same bit
 * positions; command bits are acknowledged by the status bit. */
#define VTD_GCMD_TE    BIT(31) /* translation enable / TES */
#define VTD_GCMD_SRTP  BIT(30) /* set root table pointer / RTPS */
#define VTD_GCMD_SFL   BIT(29) /* set fault log / FLS */
#define VTD_GCMD_EAFL  BIT(28) /* advanced fault logging / AFLS */
#define VTD_GCMD_WBF   BIT(27) /* write buffer flush / WBFS */
#define VTD_GCMD_QIE   BIT(26) /* queued invalidation / QIES */
#define VTD_GCMD_IRE   BIT(25) /* interrupt remapping / IRES */
#define VTD_GCMD_SIRTP BIT(24) /* set interrupt remap table ptr / IRTPS */
#define VTD_GCMD_CFI   BIT(23) /* compatibility format interrupt / CFIS */
/* The one-shot commands: never written back when changing another bit. */
#define VTD_GCMD_ONE_SHOT \
	(VTD_GCMD_SRTP | VTD_GCMD_SFL | VTD_GCMD_WBF | VTD_GCMD_SIRTP)

/* "Root Table Address Register": bits 11:10 TTM, 00 legacy mode. */
#define VTD_RTADDR_TTM_MASK (3ULL << 10)

/* "Context Command Register" */
#define VTD_CCMD_ICC	    BIT(63) /* invalidate; clears when done */
#define VTD_CCMD_CIRG_SHIFT 61	    /* requested granularity */
#define VTD_CCMD_CAIG_SHIFT 59	    /* actual granularity */
#define VTD_CCMD_GRAN_MASK  3ULL
#define VTD_CCMD_GLOBAL	    1ULL
#define VTD_CCMD_DOMAIN	    2ULL
#define VTD_CCMD_DEVICE	    3ULL
#define VTD_CCMD_FM_SHIFT   32 /* function mask, bits 33:32 */
#define VTD_CCMD_SID_SHIFT  16 /* source id, bits 31:16 */
#define VTD_CCMD_DID_MASK   0xffffULL

/* "IOTLB Invalidate Register" */
#define VTD_IOTLB_IVT	     BIT(63) /* invalidate; clears when done */
#define VTD_IOTLB_IIRG_SHIFT 60	     /* requested granularity */
#define VTD_IOTLB_IAIG_SHIFT 57	     /* actual granularity */
#define VTD_IOTLB_GRAN_MASK  3ULL
#define VTD_IOTLB_GLOBAL     1ULL
#define VTD_IOTLB_DOMAIN     2ULL
#define VTD_IOTLB_PAGE	     3ULL
#define VTD_IOTLB_DR	     BIT(49) /* drain reads */
#define VTD_IOTLB_DW	     BIT(48) /* drain writes */
#define VTD_IOTLB_DID_SHIFT  32	     /* bits 47:32 */

/* "Fault Status Register" */
#define VTD_FSTS_PFO	BIT(0) /* primary fault overflow, RW1C */
#define VTD_FSTS_PPF	BIT(1) /* primary pending fault (RO) */
#define VTD_FSTS_IQE	BIT(4)
#define VTD_FSTS_ICE	BIT(5)
#define VTD_FSTS_ITE	BIT(6)
#define VTD_FSTS_FRI(s) ((unsigned)((s) >> 8) & 0xff) /* fault index */
#define VTD_FSTS_RW1C \
	(VTD_FSTS_PFO | VTD_FSTS_IQE | VTD_FSTS_ICE | VTD_FSTS_ITE)
#define VTD_FECTL_IM BIT(31) /* fault event interrupt mask */

/* "Fault Recording Registers": 128 bits each, at CAP.FRO * 16. */
#define VTD_FRCD_SIZE	   16
#define VTD_FRCD_FI	   0xfffffffffffff000ULL /* low qword: page */
#define VTD_FRCD_HI_F	   BIT(63)		 /* high qword: valid, RW1C */
#define VTD_FRCD_HI_T	   BIT(62)		 /* 1 read, 0 write */
#define VTD_FRCD_HI_FR(h)  ((unsigned)((h) >> 32) & 0xff) /* reason */
#define VTD_FRCD_HI_SID(h) ((uint16_t)((h)&0xffff))	  /* source id */

/* "Fault Reasons" (legacy mode, non-recoverable). */
enum vtd_fault_reason {
	VTD_FAULT_NONE = 0,
	VTD_FAULT_ROOT_NOT_PRESENT = 0x1,
	VTD_FAULT_CTX_NOT_PRESENT = 0x2,
	VTD_FAULT_CTX_INVALID = 0x3,
	VTD_FAULT_BEYOND_MGAW = 0x4,
	VTD_FAULT_NO_WRITE = 0x5,
	VTD_FAULT_NO_READ = 0x6,
	VTD_FAULT_NEXT_TABLE = 0x7,
	VTD_FAULT_ROOT_TABLE = 0x8,
	VTD_FAULT_CTX_TABLE = 0x9,
	VTD_FAULT_ROOT_RSVD = 0xa,
	VTD_FAULT_CTX_RSVD = 0xb,
	VTD_FAULT_SL_RSVD = 0xc,
};

/* A PCI requester id, the VT-d "source-id": bus 15:8, device 7:3,
 * function 2:0. */
#define VTD_SID(bus, devfn) ((uint16_t)((bus) << 8 | (devfn)))
#define VTD_SID_BUS(sid)    ((uint8_t)((sid) >> 8))
#define VTD_SID_DEVFN(sid)  ((uint8_t)((sid)&0xff))

#endif
